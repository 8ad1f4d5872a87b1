package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class LeaseLifecycleIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private AllocatorFixture fixture;
    private AllocatorServer server;
    private LeaseServiceGrpc.LeaseServiceBlockingStub leases;

    @BeforeEach
    void start() throws Exception {
        fixture = new AllocatorFixture(ETCD.endpoints());
        server = fixture.startServer(Duration.ofSeconds(6));
        fixture.setConfig(server, "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        leases = fixture.leases(server);
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void acquireListRenewRelease() throws Exception {
        AcquireLeaseResponse first = leases.acquireLease(AllocatorFixture.vxlanNode("node-a", "192.168.1.10"));
        Lease lease = first.getLease();
        assertThat(first.getSource()).isEqualTo("new");
        assertThat(lease.getSubnet()).matches("10\\.244\\.\\d+\\.0/24").isNotEqualTo("10.244.0.0/24");
        assertThat(lease.getNodeName()).isEqualTo("node-a");
        assertThat(lease.getExpireTime().getSeconds())
                .isGreaterThan(Instant.now().getEpochSecond());

        AcquireLeaseResponse again = leases.acquireLease(AllocatorFixture.vxlanNode("node-a", "192.168.1.10"));
        assertThat(again.getSource()).isEqualTo("existing");
        assertThat(again.getLease().getSubnet()).isEqualTo(lease.getSubnet());

        Lease other = leases.acquireLease(AllocatorFixture.vxlanNode("node-b", "192.168.1.11"))
                .getLease();
        assertThat(other.getSubnet()).isNotEqualTo(lease.getSubnet());

        assertThat(leases.listLeases(ListLeasesRequest.getDefaultInstance()).getLeasesList())
                .extracting(Lease::getNodeName)
                .containsExactlyInAnyOrder("node-a", "node-b");
        assertThat(leases.getLease(GetLeaseRequest.newBuilder()
                                .setNodeName("node-b")
                                .build())
                        .getSubnet())
                .isEqualTo(other.getSubnet());

        Lease renewed = leases.renewLease(RenewLeaseRequest.newBuilder()
                        .setSubnet(lease.getSubnet())
                        .setNodeName("node-a")
                        .build())
                .getLease();
        assertThat(renewed.getSubnet()).isEqualTo(lease.getSubnet());

        assertThatThrownBy(() -> leases.releaseLease(ReleaseLeaseRequest.newBuilder()
                        .setSubnet(lease.getSubnet())
                        .setNodeName("node-b")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("node-a");
                });

        leases.releaseLease(ReleaseLeaseRequest.newBuilder()
                .setSubnet(lease.getSubnet())
                .setNodeName("node-a")
                .build());
        assertThat(fixture.etcdContents())
                .doesNotContainKey(
                        fixture.prefix + "/subnets/" + lease.getSubnet().replace('/', '-'));
        assertThat(leases.listLeases(ListLeasesRequest.getDefaultInstance()).getLeasesList())
                .extracting(Lease::getNodeName)
                .containsExactly("node-b");
    }

    @Test
    void previousSubnetIsReturnedWhenFree() {
        Lease lease = leases.acquireLease(AllocatorFixture.vxlanNode("node-a", "192.168.1.10"))
                .getLease();
        leases.releaseLease(ReleaseLeaseRequest.newBuilder()
                .setSubnet(lease.getSubnet())
                .setNodeName("node-a")
                .build());
        AcquireLeaseResponse back = leases.acquireLease(AllocatorFixture.vxlanNode("node-a", "192.168.1.10").toBuilder()
                .setPreviousSubnet(lease.getSubnet())
                .build());
        assertThat(back.getSource()).isEqualTo("previous");
        assertThat(back.getLease().getSubnet()).isEqualTo(lease.getSubnet());
    }

    @Test
    void leaseExpiresAfterItsTtlAndRenewalThenFails() throws Exception {
        Lease lease = leases.acquireLease(AllocatorFixture.vxlanNode("node-a", "192.168.1.10"))
                .getLease();
        String key = fixture.prefix + "/subnets/" + lease.getSubnet().replace('/', '-');
        assertThat(fixture.etcdLeaseOf(key)).isNotZero();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> !fixture.etcdContents().containsKey(key));
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(leases.listLeases(ListLeasesRequest.getDefaultInstance())
                                .getLeasesList())
                        .isEmpty());
        assertThatThrownBy(() -> leases.renewLease(RenewLeaseRequest.newBuilder()
                        .setSubnet(lease.getSubnet())
                        .setNodeName("node-a")
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void renewalKeepsALeasePastItsTtl() throws Exception {
        Lease lease = leases.acquireLease(AllocatorFixture.vxlanNode("node-a", "192.168.1.10"))
                .getLease();
        String key = fixture.prefix + "/subnets/" + lease.getSubnet().replace('/', '-');
        // Renew every second for longer than the 6 s TTL: the key must exist at every poll.
        await().during(Duration.ofSeconds(10))
                .atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> {
                    leases.renewLease(RenewLeaseRequest.newBuilder()
                            .setSubnet(lease.getSubnet())
                            .setNodeName("node-a")
                            .build());
                    return fixture.etcdContents().containsKey(key);
                });
    }
}
