package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.api.v1.WatchLeasesResponse.Type;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A stream that stays open but says nothing (a frozen server, a half-open connection) is treated
 * as dead after the progress timeout, and the watch resumes on the other server. Two fake servers
 * in-process, time on a manual clock: nothing sleeps.
 */
@Timeout(30)
class LeaseWatchSilenceTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8), 0.0);

    private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeLeaseService frozen = new FakeLeaseService(scheduler::now, Duration.ofHours(24));
    private final FakeLeaseService other = new FakeLeaseService(scheduler::now, Duration.ofHours(24));
    private final RecordingWatchListener listener = new RecordingWatchListener();
    private InProcessServer frozenServer;
    private InProcessServer otherServer;
    private WeftClient client;
    private LeaseWatch watch;

    @BeforeEach
    void setUp() {
        frozenServer = InProcessServer.startNamed("frozen:7070", frozen);
        otherServer = InProcessServer.startNamed("other:7070", other);
        client = WeftClient.builder()
                .addresses(ServerAddress.parseList("frozen:7070,other:7070"))
                .channelFactory(InProcessServer.channelFactory())
                .build();
        watch = LeaseWatch.builder(client, listener)
                .scheduler(scheduler)
                .backoff(BACKOFF)
                .progressTimeout(TIMEOUT)
                .build();
    }

    @AfterEach
    void tearDown() {
        watch.close();
        client.close();
        frozenServer.close();
        otherServer.close();
    }

    private static WatchLeasesResponse snapshot(long revision) {
        return WatchLeasesResponse.newBuilder()
                .setType(Type.SNAPSHOT)
                .setRevision(revision)
                .addLeases(Lease.newBuilder().setSubnet("10.244.1.0/24").setNodeName("a"))
                .build();
    }

    private static WatchLeasesResponse progress(long revision) {
        return WatchLeasesResponse.newBuilder()
                .setType(Type.PROGRESS)
                .setRevision(revision)
                .build();
    }

    private void sendOnFrozen(WatchLeasesResponse response) {
        frozen.latestStream().onNext(response);
        await().until(watch::lastRevision, revision -> revision == response.getRevision());
    }

    @Test
    void aSilentStreamIsReplacedOnTheOtherServerResumingAfterTheLastRevision() {
        watch.start();
        await().until(() -> frozen.streams().size() == 1);
        sendOnFrozen(snapshot(5));

        scheduler.advance(TIMEOUT.minusMillis(1));
        assertThat(frozen.latestStream().isCancelled()).isFalse();
        scheduler.advance(Duration.ofMillis(1));

        await().until(() -> frozen.latestStream().isCancelled());
        assertThat(listener.events).last().asString().startsWith("disconnected UNAVAILABLE");
        scheduler.advance(BACKOFF.delay(1));
        await().until(() -> other.streams().size() == 1);
        assertThat(other.watches)
                .extracting(WatchLeasesRequest::getStartRevision)
                .containsExactly(5L);
        assertThat(frozen.streams()).hasSize(1);
    }

    @Test
    void progressMessagesKeepAStreamAliveAndMoveTheResumeRevision() {
        watch.start();
        await().until(() -> frozen.streams().size() == 1);
        sendOnFrozen(snapshot(5));

        for (long revision = 6; revision <= 9; revision++) {
            scheduler.advance(TIMEOUT.dividedBy(3));
            sendOnFrozen(progress(revision));
        }
        scheduler.advance(TIMEOUT.minusMillis(1));

        assertThat(frozen.latestStream().isCancelled()).isFalse();
        assertThat(watch.lastRevision()).isEqualTo(9);
        assertThat(listener.events).as("progress is not a change").containsExactly("5 SNAPSHOT [10.244.1.0/24]");

        scheduler.advance(Duration.ofMillis(1));
        scheduler.advance(BACKOFF.delay(1));
        await().until(() -> other.streams().size() == 1);
        assertThat(other.watches)
                .extracting(WatchLeasesRequest::getStartRevision)
                .containsExactly(9L);
    }
}
