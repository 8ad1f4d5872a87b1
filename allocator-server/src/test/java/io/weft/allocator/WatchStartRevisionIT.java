package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.options.CompactOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.api.v1.WatchLeasesResponse.Type;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * WatchLeases from every kind of start_revision, through a plain gRPC channel and the generated
 * stub: each answers at once with the stream (a snapshot, events or a PROGRESS message) or with a
 * status; none stays silent. The deadline only bounds a defect whose symptom is "never": a
 * working server answers within milliseconds.
 */
@Timeout(120)
class WatchStartRevisionIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String CONFIG = "{\"Network\":\"10.9.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";
    private static final long ANSWER_DEADLINE_SECONDS = 5;

    @Test
    void aCompactedRevisionGetsAResetSnapshot() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer first = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(first, CONFIG);
            Lease lease = fixture.leases(first)
                    .acquireLease(AllocatorFixture.vxlanNode("a", "192.168.0.1"))
                    .getLease();
            long compacted = fixture.etcdRevision();
            fixture.etcd.getKVClient().compact(compacted, CompactOption.DEFAULT).get(10, TimeUnit.SECONDS);
            fixture.stopServer(first);
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));

            WatchLeasesResponse answer = watch(fixture, server, 1).next();

            assertThat(answer.getType()).isEqualTo(Type.SNAPSHOT);
            assertThat(answer.getReset()).isTrue();
            assertThat(answer.getLeasesList()).extracting(Lease::getSubnet).containsExactly(lease.getSubnet());
        }
    }

    @Test
    void aRevisionBelowTheServersViewGetsTheEventsAfterIt() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(server, CONFIG);
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);
            Lease a = leases.acquireLease(AllocatorFixture.vxlanNode("a", "192.168.0.1"))
                    .getLease();
            Lease b = leases.acquireLease(AllocatorFixture.vxlanNode("b", "192.168.0.2"))
                    .getLease();

            Iterator<WatchLeasesResponse> stream = watch(fixture, server, a.getModRevision());

            WatchLeasesResponse event = stream.next();
            assertThat(event.getType()).isEqualTo(Type.ADDED);
            assertThat(event.getLease().getSubnet()).isEqualTo(b.getSubnet());
            WatchLeasesResponse progress = stream.next();
            assertThat(progress.getType()).isEqualTo(Type.PROGRESS);
            assertThat(progress.getRevision()).isEqualTo(b.getModRevision());
        }
    }

    @Test
    void theServersOwnRevisionGetsAProgressMessageThenLaterEvents() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(server, CONFIG);
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);
            Lease a = leases.acquireLease(AllocatorFixture.vxlanNode("a", "192.168.0.1"))
                    .getLease();
            long view = serversView(fixture, server, a);

            Iterator<WatchLeasesResponse> stream = watch(fixture, server, view);

            WatchLeasesResponse progress = stream.next();
            assertThat(progress.getType()).isEqualTo(Type.PROGRESS);
            assertThat(progress.getRevision()).isEqualTo(view);
            Lease b = leases.acquireLease(AllocatorFixture.vxlanNode("b", "192.168.0.2"))
                    .getLease();
            WatchLeasesResponse event = stream.next();
            assertThat(event.getType()).isEqualTo(Type.ADDED);
            assertThat(event.getLease().getSubnet()).isEqualTo(b.getSubnet());
        }
    }

    /**
     * Writes outside the prefix move etcd's head past everything this server has seen (its one
     * etcd watch follows only the prefix), as a node failing over from a replica a little ahead
     * would ask. The stream opens at once and carries the next change.
     */
    @Test
    void aRevisionBetweenTheServersViewAndEtcdsHeadStreams() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(server, CONFIG);
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);
            Lease a = leases.acquireLease(AllocatorFixture.vxlanNode("a", "192.168.0.1"))
                    .getLease();
            long view = serversView(fixture, server, a);
            for (int i = 0; i < 3; i++) {
                fixture.etcd
                        .getKVClient()
                        .put(
                                AllocatorFixture.bytes("/elsewhere/" + fixture.prefix + "/" + i),
                                AllocatorFixture.bytes("unrelated"))
                        .get(10, TimeUnit.SECONDS);
            }
            long head = fixture.etcdRevision();
            assertThat(head).isGreaterThan(view);

            Iterator<WatchLeasesResponse> stream = watch(fixture, server, head);

            WatchLeasesResponse progress = stream.next();
            assertThat(progress.getType()).isEqualTo(Type.PROGRESS);
            assertThat(progress.getRevision()).isEqualTo(head);
            Lease b = leases.acquireLease(AllocatorFixture.vxlanNode("b", "192.168.0.2"))
                    .getLease();
            WatchLeasesResponse event = stream.next();
            assertThat(event.getType()).isEqualTo(Type.ADDED);
            assertThat(event.getLease().getSubnet()).isEqualTo(b.getSubnet());
            assertThat(event.getRevision()).isGreaterThan(head);
        }
    }

    @Test
    void aRevisionBeyondEtcdsHeadIsRefusedNamingTheField() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(server, CONFIG);
            long beyond = fixture.etcdRevision() + 1_000;

            Iterator<WatchLeasesResponse> stream = watch(fixture, server, beyond);

            assertThatThrownBy(stream::next).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription())
                        .startsWith("start_revision: " + beyond)
                        .contains("ahead of etcd's current revision");
            });
        }
    }

    /** The revision of the server's watch view once it holds the lease: its snapshot's revision. */
    private static long serversView(AllocatorFixture fixture, AllocatorServer server, Lease holding) {
        while (true) {
            WatchLeasesResponse snapshot = watch(fixture, server, 0).next();
            if (snapshot.getLeasesList().stream().anyMatch(l -> l.getSubnet().equals(holding.getSubnet()))) {
                return snapshot.getRevision();
            }
        }
    }

    private static Iterator<WatchLeasesResponse> watch(AllocatorFixture fixture, AllocatorServer server, long start) {
        return LeaseServiceGrpc.newBlockingStub(fixture.channel(server))
                .withDeadlineAfter(ANSWER_DEADLINE_SECONDS, TimeUnit.SECONDS)
                .watchLeases(
                        WatchLeasesRequest.newBuilder().setStartRevision(start).build());
    }
}
