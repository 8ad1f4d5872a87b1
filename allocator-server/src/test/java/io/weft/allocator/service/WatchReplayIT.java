package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weft.allocator.store.AddressFences;
import io.weft.allocator.store.EtcdLeaseStore;
import io.weft.allocator.store.EtcdRequestObserver;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.WriteOutcome;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.api.v1.WatchLeasesResponse.Type;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replica that has just started has no watch history of its own. A watcher resuming there
 * from a revision etcd still holds must get exactly the lease changes made since (by another
 * replica, or by hand in etcd), read from etcd's history, not a reset snapshot; a revision etcd
 * has compacted still gets the reset; and a crowd of watchers resuming at once costs one or two
 * reads of etcd's history, not one each.
 */
@Timeout(120)
class WatchReplayIT {

    @RegisterExtension
    final EtcdExtension etcd = EtcdExtension.singleMember();

    private final KeyLayout layout = new KeyLayout("/replay/network");
    private final AtomicInteger historyReads = new AtomicInteger();
    private Client client;
    private LeaseStore store;

    @BeforeEach
    void setUp() throws Exception {
        client = Client.builder()
                .endpoints(etcd.endpoints().toArray(String[]::new))
                .build();
        EtcdRequestObserver counting = (operation, nanos, succeeded) -> {
            if (operation.equals("watch_history")) {
                historyReads.incrementAndGet();
            }
        };
        store = new EtcdLeaseStore(client, layout, counting);
        store.putConfig("{\"Network\":\"10.30.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}")
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void tearDown() {
        store.close();
    }

    @Test
    void aFreshReplicaReplaysTheChangesSinceTheResumeRevisionFromEtcd() throws Exception {
        long kept = create("10.30.1.0/24", "192.168.1.1");
        long doomed = create("10.30.2.0/24", "192.168.1.2");
        long resumeFrom = lastRevisionSeenBy(); // a watcher of a replica that then went away

        // Changes while no replica runs: made as another replica or flanneld would, in etcd.
        long added = create("10.30.3.0/24", "192.168.1.3");
        long modified = write("10.30.1.0/24", "192.168.9.9", kept);
        putRaw(layout.subnetsPrefix() + "10.30.4.0-24", "not json"); // skipped, never sent
        long removed = delete("10.30.2.0/24", doomed);
        store.putConfig("{\"Network\":\"10.30.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}")
                .get(10, TimeUnit.SECONDS);

        try (InProcessReplica fresh = new InProcessReplica(store, Duration.ofHours(1))) {
            List<WatchLeasesResponse> received = watch(fresh, resumeFrom);
            await().atMost(Duration.ofSeconds(30)).until(() -> hasProgress(received));

            assertThat(received).noneMatch(m -> m.getType() == Type.SNAPSHOT);
            List<WatchLeasesResponse> events = changes(received);
            assertThat(events)
                    .extracting(WatchLeasesResponse::getType)
                    .containsExactly(Type.ADDED, Type.MODIFIED, Type.REMOVED);
            assertThat(events).extracting(WatchLeasesResponse::getRevision).containsExactly(added, modified, removed);
            assertThat(events)
                    .extracting(m -> m.getLease().getSubnet())
                    .containsExactly("10.30.3.0/24", "10.30.1.0/24", "10.30.2.0/24");
            assertThat(events.get(0).getLease().getPublicIp()).isEqualTo("192.168.1.3");
            assertThat(events.get(1).getLease().getPublicIp()).isEqualTo("192.168.9.9");
            assertThat(events.get(2).getLease().getPublicIp()).isEqualTo("192.168.1.2");
            assertThat(events.get(2).getReason()).isEqualTo("deleted");
            assertThat(historyReads).hasValue(1);

            // The stream then follows the live hub: the next change arrives once, in order.
            long later = create("10.30.5.0/24", "192.168.1.5");
            await().atMost(Duration.ofSeconds(30)).until(() -> changes(received).size() == 4);
            assertThat(changes(received).getLast().getRevision()).isEqualTo(later);
            assertThat(received).noneMatch(m -> m.getType() == Type.SNAPSHOT);
        }
    }

    @Test
    void aCompactedResumeRevisionStillGetsAResetSnapshot() throws Exception {
        create("10.30.1.0/24", "192.168.1.1");
        long resumeFrom = lastRevisionSeenBy();
        create("10.30.2.0/24", "192.168.1.2");
        create("10.30.3.0/24", "192.168.1.3");
        // Compacted past the first change after the resume revision: its history is gone.
        long now = store.currentRevision().get(10, TimeUnit.SECONDS);
        assertThat(now).isGreaterThan(resumeFrom + 1);
        client.getKVClient().compact(now, CompactOption.DEFAULT).get(10, TimeUnit.SECONDS);

        try (InProcessReplica fresh = new InProcessReplica(store, Duration.ofHours(1))) {
            List<WatchLeasesResponse> received = watch(fresh, resumeFrom);
            await().atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());

            WatchLeasesResponse first = received.getFirst();
            assertThat(first.getType()).isEqualTo(Type.SNAPSHOT);
            assertThat(first.getReset()).isTrue();
            assertThat(first.getLeasesList())
                    .extracting(Lease::getSubnet)
                    .containsExactly("10.30.1.0/24", "10.30.2.0/24", "10.30.3.0/24");
            assertThat(historyReads).hasValue(1);
        }
    }

    @Test
    void manyWatchersResumingAtOnceShareOneOrTwoReadsOfEtcdsHistory() throws Exception {
        long resumeFrom = lastRevisionSeenBy();
        List<Long> revisions = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            revisions.add(create("10.30." + i + ".0/24", "192.168.1." + i));
        }

        try (InProcessReplica fresh = new InProcessReplica(store, Duration.ofHours(1))) {
            List<List<WatchLeasesResponse>> streams = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                // Half resume where the writes began, half one write later.
                streams.add(watch(fresh, i % 2 == 0 ? resumeFrom : revisions.getFirst()));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.stream().allMatch(WatchReplayIT::hasProgress));

            for (int i = 0; i < streams.size(); i++) {
                List<WatchLeasesResponse> received = streams.get(i);
                assertThat(received).noneMatch(m -> m.getType() == Type.SNAPSHOT);
                assertThat(changes(received))
                        .extracting(WatchLeasesResponse::getRevision)
                        .containsExactlyElementsOf(i % 2 == 0 ? revisions : revisions.subList(1, 5));
            }
            assertThat(historyReads.get()).isBetween(1, 2);
        }
    }

    @Test
    void aReplicaStillLoadingRefusesAResumeThatThenGetsTheMissedChangesOnceItHasLoaded() throws Exception {
        create("10.30.1.0/24", "192.168.1.1");
        long resumeFrom = lastRevisionSeenBy();
        long missed = create("10.30.2.0/24", "192.168.1.2"); // while the watcher was away
        HeldBackSnapshotStore loading = new HeldBackSnapshotStore(store);

        try (InProcessReplica replica = new InProcessReplica(loading, Duration.ofHours(1), false)) {
            AtomicReference<Throwable> refused = new AtomicReference<>();
            replica.watches()
                    .watchLeases(
                            WatchLeasesRequest.newBuilder()
                                    .setStartRevision(resumeFrom)
                                    .build(),
                            new StreamObserver<>() {
                                @Override
                                public void onNext(WatchLeasesResponse value) {}

                                @Override
                                public void onError(Throwable t) {
                                    refused.set(t);
                                }

                                @Override
                                public void onCompleted() {}
                            });
            await().atMost(Duration.ofSeconds(30)).until(() -> refused.get() != null);
            assertThat(Status.fromThrowable(refused.get()).getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(refused.get()).hasMessageContaining("has not loaded etcd's state yet; retry");

            loading.release();
            await().atMost(Duration.ofSeconds(30)).until(replica::ready);
            List<WatchLeasesResponse> received = watch(replica, resumeFrom);

            await().atMost(Duration.ofSeconds(30)).until(() -> hasProgress(received));
            assertThat(received).noneMatch(m -> m.getType() == Type.SNAPSHOT);
            assertThat(changes(received))
                    .extracting(
                            WatchLeasesResponse::getRevision, m -> m.getLease().getSubnet())
                    .containsExactly(tuple(missed, "10.30.2.0/24"));
        }
    }

    /** The revision a watcher of a replica serving now would have reached (its PROGRESS). */
    private long lastRevisionSeenBy() throws Exception {
        try (InProcessReplica replica = new InProcessReplica(store, Duration.ofHours(1))) {
            List<WatchLeasesResponse> received = watch(replica, 0);
            await().atMost(Duration.ofSeconds(30)).until(() -> !received.isEmpty());
            return received.getFirst().getRevision();
        }
    }

    private static List<WatchLeasesResponse> watch(InProcessReplica replica, long startRevision) {
        List<WatchLeasesResponse> received = new CopyOnWriteArrayList<>();
        replica.watches()
                .watchLeases(
                        WatchLeasesRequest.newBuilder()
                                .setStartRevision(startRevision)
                                .build(),
                        new StreamObserver<>() {
                            @Override
                            public void onNext(WatchLeasesResponse value) {
                                received.add(value);
                            }

                            @Override
                            public void onError(Throwable t) {}

                            @Override
                            public void onCompleted() {}
                        });
        return received;
    }

    private static boolean hasProgress(List<WatchLeasesResponse> received) {
        return received.stream().anyMatch(m -> m.getType() == Type.PROGRESS);
    }

    private static List<WatchLeasesResponse> changes(List<WatchLeasesResponse> received) {
        return received.stream()
                .filter(m -> m.getType() == Type.ADDED || m.getType() == Type.MODIFIED || m.getType() == Type.REMOVED)
                .toList();
    }

    private long create(String subnet, String publicIp) throws Exception {
        return write(subnet, publicIp, 0);
    }

    private long write(String subnet, String publicIp, long expectedModRevision) throws Exception {
        WriteOutcome outcome = store.compareAndPut(
                        SubnetKey.ipv4Only(IpPrefix.parse(subnet)),
                        new LeaseValue(publicIp, "", "host-gw", null, null, "node-" + subnet.split("\\.")[2]),
                        0,
                        expectedModRevision,
                        AddressFences.NONE)
                .get(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        return ((WriteOutcome.Written) outcome).revision();
    }

    private long delete(String subnet, long expectedModRevision) throws Exception {
        WriteOutcome outcome = store.compareAndDelete(
                        SubnetKey.ipv4Only(IpPrefix.parse(subnet)), expectedModRevision, List.of())
                .get(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        return ((WriteOutcome.Written) outcome).revision();
    }

    private void putRaw(String key, String value) throws Exception {
        client.getKVClient()
                .put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value, StandardCharsets.UTF_8))
                .get(10, TimeUnit.SECONDS);
    }
}
