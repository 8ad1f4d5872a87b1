package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.options.CompactOption;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class WatchIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Test
    void streamStartsWithASnapshotThenCarriesEventsInRevisionOrder() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(server, "{\"Network\":\"10.9.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);
            Lease before = leases.acquireLease(AllocatorFixture.vxlanNode("before", "192.168.0.1"))
                    .getLease();

            Recorder recorder = new Recorder();
            ManagedChannel channel = fixture.channel(server);
            LeaseServiceGrpc.newStub(channel).watchLeases(WatchLeasesRequest.getDefaultInstance(), recorder);
            await().until(() -> recorder.view().containsKey(before.getSubnet()));
            assertThat(recorder.messages.getFirst().getType()).isEqualTo(WatchLeasesResponse.Type.SNAPSHOT);
            assertThat(recorder.messages.getFirst().getReset()).isFalse();

            Lease after = leases.acquireLease(AllocatorFixture.vxlanNode("after", "192.168.0.2"))
                    .getLease();
            leases.releaseLease(ReleaseLeaseRequest.newBuilder()
                    .setSubnet(before.getSubnet())
                    .setNodeName("before")
                    .build());

            await().until(() -> recorder.view().keySet().equals(java.util.Set.of(after.getSubnet())));
            List<WatchLeasesResponse> events = recorder.messages.subList(1, recorder.messages.size());
            assertThat(events)
                    .extracting(WatchLeasesResponse::getRevision)
                    .isSorted()
                    .doesNotHaveDuplicates();
            assertThat(events)
                    .filteredOn(e -> e.getType() == WatchLeasesResponse.Type.REMOVED)
                    .singleElement()
                    .satisfies(removed -> {
                        assertThat(removed.getLease().getSubnet()).isEqualTo(before.getSubnet());
                        assertThat(removed.getReason()).isEqualTo("released");
                    });
            assertThat(events)
                    .allMatch(
                            e -> e.getRevision() > recorder.messages.getFirst().getRevision());
        }
    }

    @Test
    void resumingFromARevisionReplaysEveryLaterEvent() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(server, "{\"Network\":\"10.9.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);
            long start =
                    leases.listLeases(ListLeasesRequest.getDefaultInstance()).getRevision();
            for (int i = 0; i < 5; i++) {
                leases.acquireLease(AllocatorFixture.vxlanNode("n" + i, "192.168.0." + (i + 1)));
            }
            Recorder recorder = new Recorder();
            LeaseServiceGrpc.newStub(fixture.channel(server))
                    .watchLeases(
                            WatchLeasesRequest.newBuilder()
                                    .setStartRevision(start)
                                    .build(),
                            recorder);
            await().until(() -> recorder.messages.size() >= 5);
            assertThat(recorder.messages)
                    .extracting(WatchLeasesResponse::getType)
                    .containsOnly(WatchLeasesResponse.Type.ADDED);
            assertThat(recorder.messages)
                    .extracting(m -> m.getLease().getNodeName())
                    .containsExactly("n0", "n1", "n2", "n3", "n4");
        }
    }

    /**
     * A client resumes from a revision the server cannot serve: it restarted (its history is
     * gone) and etcd compacted that revision away. It gets a reset snapshot equal to etcd's
     * state, not a gap.
     */
    @Test
    void aCompactedResumeRevisionYieldsAResetSnapshotNotAGap() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(server, "{\"Network\":\"10.9.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);
            leases.acquireLease(AllocatorFixture.vxlanNode("kept", "192.168.0.1"));
            Lease gone = leases.acquireLease(AllocatorFixture.vxlanNode("gone", "192.168.0.2"))
                    .getLease();
            long seen =
                    leases.listLeases(ListLeasesRequest.getDefaultInstance()).getRevision();

            fixture.stopServer(server);
            AllocatorServer other = fixture.startServer(Duration.ofHours(1));
            LeaseServiceGrpc.LeaseServiceBlockingStub viaOther = fixture.leases(other);
            viaOther.releaseLease(ReleaseLeaseRequest.newBuilder()
                    .setSubnet(gone.getSubnet())
                    .setNodeName("gone")
                    .build());
            viaOther.acquireLease(AllocatorFixture.vxlanNode("new", "192.168.0.3"));
            long now = fixture.etcdRevision();
            fixture.etcd
                    .getKVClient()
                    .compact(
                            now,
                            CompactOption.builder().withCompactPhysical(true).build())
                    .get(10, TimeUnit.SECONDS);
            fixture.stopServer(other);
            AllocatorServer restarted = fixture.startServer(Duration.ofHours(1));

            Recorder recorder = new Recorder();
            LeaseServiceGrpc.newStub(fixture.channel(restarted))
                    .watchLeases(
                            WatchLeasesRequest.newBuilder()
                                    .setStartRevision(seen)
                                    .build(),
                            recorder);
            await().until(() -> !recorder.messages.isEmpty());
            WatchLeasesResponse reset = recorder.messages.getFirst();
            assertThat(reset.getType()).isEqualTo(WatchLeasesResponse.Type.SNAPSHOT);
            assertThat(reset.getReset()).isTrue();
            assertThat(reset.getRevision()).isGreaterThan(seen);
            Map<String, String> expected = new TreeMap<>();
            fixture.etcdContents().keySet().stream()
                    .filter(k -> k.contains("/subnets/"))
                    .forEach(k ->
                            expected.put(k.substring(k.lastIndexOf('/') + 1).replace('-', '/'), k));
            assertThat(reset.getLeasesList())
                    .extracting(Lease::getSubnet)
                    .containsExactlyInAnyOrderElementsOf(expected.keySet());
            assertThat(reset.getLeasesList()).extracting(Lease::getNodeName).containsExactlyInAnyOrder("kept", "new");
        }
    }

    static final class Recorder implements StreamObserver<WatchLeasesResponse> {
        final List<WatchLeasesResponse> messages = new CopyOnWriteArrayList<>();

        /** The lease set the stream describes: the last snapshot with later events applied. */
        Map<String, Lease> view() {
            Map<String, Lease> view = new TreeMap<>();
            for (WatchLeasesResponse message : messages) {
                switch (message.getType()) {
                    case SNAPSHOT -> {
                        view.clear();
                        message.getLeasesList().forEach(l -> view.put(l.getSubnet(), l));
                    }
                    case ADDED, MODIFIED -> view.put(message.getLease().getSubnet(), message.getLease());
                    case REMOVED -> view.remove(message.getLease().getSubnet());
                    default -> throw new AssertionError("unexpected " + message.getType());
                }
            }
            return view;
        }

        @Override
        public void onNext(WatchLeasesResponse value) {
            // PROGRESS messages change nothing; WatchStartRevisionIT covers them.
            if (value.getType() != WatchLeasesResponse.Type.PROGRESS) {
                messages.add(value);
            }
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
