package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.api.v1.WatchLeasesResponse.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LeaseWatch's view, resume revision and reconnect back-off, against a hand-fed fake stream. */
@Timeout(30)
class LeaseWatchTest {

    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8), 0.0);

    private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeLeaseService server = new FakeLeaseService(scheduler::now, Duration.ofHours(24));
    private final RecordingWatchListener listener = new RecordingWatchListener();
    private InProcessServer grpc;
    private WeftClient client;
    private LeaseWatch watch;

    @BeforeEach
    void setUp() {
        grpc = InProcessServer.start(server);
        client = WeftClient.forChannel(grpc.channel());
        watch = watch(0);
    }

    @AfterEach
    void tearDown() {
        watch.close();
        client.close();
        grpc.close();
    }

    private LeaseWatch watch(long startRevision) {
        return LeaseWatch.builder(client, listener)
                .startRevision(startRevision)
                .scheduler(scheduler)
                .backoff(BACKOFF)
                // The silence check has its own test (LeaseWatchSilenceTest); off here, so that
                // the only timer pending is the reconnect these tests look at.
                .progressTimeout(Duration.ZERO)
                .build();
    }

    private static Lease lease(String subnet, String node) {
        return Lease.newBuilder().setSubnet(subnet).setNodeName(node).build();
    }

    private static WatchLeasesResponse snapshot(long revision, boolean reset, Lease... leases) {
        return WatchLeasesResponse.newBuilder()
                .setType(Type.SNAPSHOT)
                .setRevision(revision)
                .setReset(reset)
                .addAllLeases(List.of(leases))
                .build();
    }

    private static WatchLeasesResponse event(long revision, Type type, Lease lease) {
        return WatchLeasesResponse.newBuilder()
                .setType(type)
                .setRevision(revision)
                .setLease(lease)
                .build();
    }

    /** Awaitility polling often: the fake answers within microseconds. */
    private static ConditionFactory await() {
        return Awaitility.await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2));
    }

    /** Sends on the latest stream and waits until the watch has taken it in. */
    private void send(WatchLeasesResponse response) {
        server.latestStream().onNext(response);
        await().until(watch::lastRevision, revision -> revision == response.getRevision());
    }

    /** Breaks the latest stream and waits until the watch has scheduled its reconnect. */
    private void breakStream(Status status) {
        server.latestStream().onError(status.asRuntimeException());
        await().until(() -> !scheduler.pendingDelays().isEmpty());
    }

    private void awaitStreams(int count) {
        await().until(() -> server.streams().size() == count);
    }

    @Test
    void eachEventComesWithTheWatchsOneViewAlreadyHoldingIt() {
        watch.start();
        awaitStreams(1);
        send(snapshot(5, false, lease("10.244.1.0/24", "a")));
        send(event(6, Type.ADDED, lease("10.244.3.0/24", "c")));
        send(event(7, Type.REMOVED, lease("10.244.1.0/24", "a")));

        assertThat(listener.eventViews)
                .containsExactly(List.of("10.244.1.0/24", "10.244.3.0/24"), List.of("10.244.3.0/24"));
    }

    @Test
    void appliesTheSnapshotAndEventsToTheViewInOrder() {
        watch.start();
        awaitStreams(1);
        assertThat(server.watches.getFirst().getStartRevision()).isZero();

        send(snapshot(5, false, lease("10.244.1.0/24", "a"), lease("10.244.2.0/24", "b")));
        send(event(6, Type.ADDED, lease("10.244.3.0/24", "c")));
        send(event(7, Type.MODIFIED, lease("10.244.1.0/24", "a2")));
        send(event(8, Type.REMOVED, lease("10.244.2.0/24", "b")));

        assertThat(watch.view()).containsOnlyKeys("10.244.1.0/24", "10.244.3.0/24");
        assertThat(watch.view().get("10.244.1.0/24").getNodeName()).isEqualTo("a2");
        assertThat(watch.lastRevision()).isEqualTo(8);
        assertThat(listener.events)
                .containsExactly(
                        "5 SNAPSHOT [10.244.1.0/24, 10.244.2.0/24]",
                        "6 ADDED 10.244.3.0/24",
                        "7 MODIFIED 10.244.1.0/24",
                        "8 REMOVED 10.244.2.0/24");
    }

    @Test
    void resumesAfterTheLastRevisionSeenWhenTheStreamBreaks() {
        watch.start();
        awaitStreams(1);
        send(snapshot(5, false, lease("10.244.1.0/24", "a")));
        send(event(6, Type.ADDED, lease("10.244.2.0/24", "b")));

        breakStream(Status.UNAVAILABLE.withDescription("server restarting"));
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(1));
        scheduler.advance(Duration.ofMillis(999));
        assertThat(server.watches).hasSize(1);

        scheduler.advance(Duration.ofMillis(1));
        awaitStreams(2);
        assertThat(server.watches)
                .extracting(WatchLeasesRequest::getStartRevision)
                .as("revision 6 may have had more changes than the one received")
                .containsExactly(0L, 5L);

        send(event(6, Type.ADDED, lease("10.244.2.0/24", "b")));
        send(event(7, Type.ADDED, lease("10.244.3.0/24", "c")));
        assertThat(watch.view()).containsOnlyKeys("10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24");
        assertThat(listener.events)
                .containsExactly(
                        "5 SNAPSHOT [10.244.1.0/24]",
                        "6 ADDED 10.244.2.0/24",
                        "disconnected UNAVAILABLE, retry in 1000 ms",
                        "7 ADDED 10.244.3.0/24");
    }

    @Test
    void aStreamBrokenInsideARevisionResumesWithItsRestAndReportsNoChangeTwice() {
        watch.start();
        awaitStreams(1);
        send(snapshot(5, false, lease("10.244.1.0/24", "a"), lease("10.244.2.0/24", "b"), lease("10.244.3.0/24", "c")));
        // One expiring etcd lease removed all three at revision 6; the stream broke after two.
        send(event(6, Type.REMOVED, lease("10.244.1.0/24", "a")));
        send(event(6, Type.REMOVED, lease("10.244.2.0/24", "b")));

        breakStream(Status.UNAVAILABLE);
        scheduler.advance(Duration.ofSeconds(1));
        awaitStreams(2);
        assertThat(server.watches.getLast().getStartRevision()).isEqualTo(5);
        send(event(6, Type.REMOVED, lease("10.244.1.0/24", "a")));
        send(event(6, Type.REMOVED, lease("10.244.2.0/24", "b")));
        send(event(6, Type.REMOVED, lease("10.244.3.0/24", "c")));
        send(event(7, Type.ADDED, lease("10.244.4.0/24", "d")));

        assertThat(watch.view()).containsOnlyKeys("10.244.4.0/24");
        assertThat(listener.events)
                .containsExactly(
                        "5 SNAPSHOT [10.244.1.0/24, 10.244.2.0/24, 10.244.3.0/24]",
                        "6 REMOVED 10.244.1.0/24",
                        "6 REMOVED 10.244.2.0/24",
                        "disconnected UNAVAILABLE, retry in 1000 ms",
                        "6 REMOVED 10.244.3.0/24",
                        "7 ADDED 10.244.4.0/24");
    }

    @Test
    void resumesFromTheSnapshotRevisionWhenNoEventCameYet() {
        watch.start();
        awaitStreams(1);
        send(snapshot(12, false));

        breakStream(Status.UNAVAILABLE);
        scheduler.advance(Duration.ofSeconds(1));

        awaitStreams(2);
        assertThat(server.watches.getLast().getStartRevision()).isEqualTo(12);
    }

    @Test
    void startsFromTheGivenRevision() {
        watch = watch(40);
        watch.start();
        awaitStreams(1);

        assertThat(server.watches.getFirst().getStartRevision()).isEqualTo(40);
    }

    @Test
    void backsOffMoreWhileTheServerStaysDownAndStartsOverOnceDataFlows() {
        watch.start();
        awaitStreams(1);
        send(snapshot(5, false));

        breakStream(Status.UNAVAILABLE);
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(1));
        scheduler.advance(Duration.ofSeconds(1));
        awaitStreams(2);
        breakStream(Status.UNAVAILABLE);
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(2));
        scheduler.advance(Duration.ofSeconds(2));
        awaitStreams(3);
        breakStream(Status.UNAVAILABLE);
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(4));
        scheduler.advance(Duration.ofSeconds(4));
        awaitStreams(4);

        send(event(9, Type.ADDED, lease("10.244.1.0/24", "a")));
        breakStream(Status.UNAVAILABLE);
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(1));
        assertThat(server.watches)
                .extracting(WatchLeasesRequest::getStartRevision)
                .containsExactly(0L, 5L, 5L, 5L);
    }

    @Test
    void aResetSnapshotReplacesTheWholeView() {
        watch.start();
        awaitStreams(1);
        send(snapshot(5, false, lease("10.244.1.0/24", "a"), lease("10.244.2.0/24", "b")));
        breakStream(Status.UNAVAILABLE);
        scheduler.advance(Duration.ofSeconds(1));
        awaitStreams(2);

        send(snapshot(20, true, lease("10.244.2.0/24", "b2"), lease("10.244.3.0/24", "c")));

        assertThat(watch.view()).containsOnlyKeys("10.244.2.0/24", "10.244.3.0/24");
        assertThat(watch.view().get("10.244.2.0/24").getNodeName()).isEqualTo("b2");
        assertThat(listener.events).endsWith("20 SNAPSHOT reset [10.244.2.0/24, 10.244.3.0/24]");
    }

    @Test
    void appliesASplitSnapshotOnlyOnceItsLastChunkArrives() {
        watch.start();
        awaitStreams(1);
        send(snapshot(5, false, lease("10.244.9.0/24", "old")));

        server.latestStream()
                .onNext(snapshot(30, true, lease("10.244.1.0/24", "a")).toBuilder()
                        .setMore(true)
                        .build());
        server.latestStream()
                .onNext(snapshot(30, true, lease("10.244.2.0/24", "b")).toBuilder()
                        .setMore(true)
                        .build());
        assertThat(watch.view()).as("unchanged until complete").containsOnlyKeys("10.244.9.0/24");
        assertThat(watch.lastRevision()).isEqualTo(5);
        send(snapshot(30, true, lease("10.244.3.0/24", "c")));

        assertThat(watch.view()).containsOnlyKeys("10.244.1.0/24", "10.244.2.0/24", "10.244.3.0/24");
        assertThat(listener.events)
                .containsExactly(
                        "5 SNAPSHOT [10.244.9.0/24]",
                        "30 SNAPSHOT reset [10.244.1.0/24, 10.244.2.0/24, 10.244.3.0/24]");
    }

    @Test
    void dropsAHalfReceivedSnapshotWhenTheStreamBreaks() {
        watch.start();
        awaitStreams(1);
        send(snapshot(5, false, lease("10.244.9.0/24", "old")));
        server.latestStream()
                .onNext(snapshot(30, true, lease("10.244.1.0/24", "a")).toBuilder()
                        .setMore(true)
                        .build());

        breakStream(Status.UNAVAILABLE);
        scheduler.advance(Duration.ofSeconds(1));
        awaitStreams(2);
        send(snapshot(31, true, lease("10.244.2.0/24", "b")));

        assertThat(server.watches.getLast().getStartRevision()).isEqualTo(5);
        assertThat(watch.view()).containsOnlyKeys("10.244.2.0/24");
    }

    @Test
    void treatsTheServerEndingTheStreamAsABreak() {
        watch.start();
        awaitStreams(1);
        send(snapshot(3, false));

        server.latestStream().onCompleted();
        await().until(() -> !scheduler.pendingDelays().isEmpty());
        scheduler.advance(Duration.ofSeconds(1));

        awaitStreams(2);
        assertThat(server.watches.getLast().getStartRevision()).isEqualTo(3);
    }

    @Test
    void stopsOnAnErrorThatRetryingCannotFix() {
        watch.start();
        awaitStreams(1);

        server.latestStream()
                .onError(Status.INVALID_ARGUMENT
                        .withDescription("start_revision: -1")
                        .asRuntimeException());

        await().until(() -> listener.events.contains("failed INVALID_ARGUMENT"));
        assertThat(scheduler.pendingDelays()).isEmpty();
    }

    @Test
    void startsAgainFromASnapshotWhenEtcdIsBehindARevisionItHadSent() {
        watch.start();
        awaitStreams(1);
        send(snapshot(50, false, lease("10.244.1.0/24", "a")));

        breakStream(
                Status.INVALID_ARGUMENT.withDescription(
                        "start_revision: 50 is ahead of etcd's current revision 3; use a revision from an earlier response, or 0"));
        scheduler.advance(Duration.ofSeconds(1));
        awaitStreams(2);
        send(snapshot(4, false, lease("10.244.2.0/24", "b")));

        assertThat(server.watches)
                .extracting(WatchLeasesRequest::getStartRevision)
                .containsExactly(0L, 0L);
        assertThat(watch.view()).containsOnlyKeys("10.244.2.0/24");
        assertThat(listener.events)
                .containsExactly(
                        "50 SNAPSHOT [10.244.1.0/24]",
                        "disconnected INVALID_ARGUMENT, retry in 1000 ms",
                        "4 SNAPSHOT reset [10.244.2.0/24]");
    }

    @Test
    void closeCancelsTheStreamAndAnyReconnect() {
        watch.start();
        awaitStreams(1);

        watch.close();

        await().until(() -> server.latestStream().isCancelled());
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(server.watches).hasSize(1);
        assertThat(listener.events).isEmpty();
    }
}
