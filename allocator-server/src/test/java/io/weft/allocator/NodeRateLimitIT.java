package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.etcd.testing.EtcdExtension;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client calling in a loop under one node name, over a plain gRPC channel: past
 * --node-rate-limit it is answered RESOURCE_EXHAUSTED naming the flag, writes nothing, and
 * other nodes are served as before.
 */
@Timeout(60)
class NodeRateLimitIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Test
    void aNodeCallingInALoopIsRefusedPastTheLimitAndOthersAreServed() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = AllocatorServer.builder()
                    .etcdEndpoints(fixture.endpoints)
                    .etcdPrefix(fixture.prefix)
                    .listen(new InetSocketAddress("127.0.0.1", 0))
                    .leaseTtl(Duration.ofHours(1))
                    .reuseQuarantine(Duration.ZERO)
                    .nodeRateLimit(5)
                    .start();
            fixture.adopt(server);
            fixture.setConfig(server, "{\"Network\":\"10.14.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);

            Lease lease = leases.acquireLease(AllocatorFixture.vxlanNode("busy", "192.168.30.1"))
                    .getLease();
            RenewLeaseRequest renew = RenewLeaseRequest.newBuilder()
                    .setSubnet(lease.getSubnet())
                    .setNodeName("busy")
                    .build();
            for (int i = 0; i < 4; i++) {
                leases.renewLease(renew);
            }
            long revision = fixture.etcdRevision();

            assertThatThrownBy(() -> leases.renewLease(renew))
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription())
                                .contains("node_name \"busy\"", "--node-rate-limit", "5");
                    });
            assertThatThrownBy(() -> leases.acquireLease(AllocatorFixture.vxlanNode("busy", "192.168.30.1")))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
            assertThat(fixture.etcdRevision())
                    .as("etcd's revision after the refusals")
                    .isEqualTo(revision);

            assertThat(leases.acquireLease(AllocatorFixture.vxlanNode("calm", "192.168.30.2"))
                            .getLease()
                            .getNodeName())
                    .isEqualTo("calm");
        }
    }
}
