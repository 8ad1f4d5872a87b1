package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.DeleteReservationRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

@Timeout(120)
class ReservationIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private AllocatorFixture fixture;
    private LeaseServiceGrpc.LeaseServiceBlockingStub leases;
    private String key;

    @BeforeEach
    void start() throws Exception {
        fixture = new AllocatorFixture(ETCD.endpoints());
        AllocatorServer server = fixture.startServer(Duration.ofSeconds(30));
        fixture.setConfig(server, "{\"Network\":\"10.50.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        leases = fixture.leases(server);
        key = fixture.prefix + "/subnets/10.50.7.0-24";
    }

    @AfterEach
    void stop() {
        fixture.close();
    }

    @Test
    void aReservationNeverGetsAnEtcdLease() throws Exception {
        Lease reserved = leases.createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.50.7.0/24")
                .setNodeName("db-1")
                .build());
        assertThat(reserved.getReserved()).isTrue();
        assertThat(fixture.etcdLeaseOf(key)).isZero();

        AcquireLeaseResponse acquired = leases.acquireLease(AllocatorFixture.vxlanNode("db-1", "192.168.9.1"));
        assertThat(acquired.getSource()).isEqualTo("reservation");
        assertThat(acquired.getLease().getSubnet()).isEqualTo("10.50.7.0/24");
        assertThat(acquired.getLease().getReserved()).isTrue();
        assertThat(acquired.getLease().hasExpireTime()).isFalse();
        assertThat(fixture.etcdLeaseOf(key)).isZero();

        leases.renewLease(RenewLeaseRequest.newBuilder()
                .setSubnet("10.50.7.0/24")
                .setNodeName("db-1")
                .build());
        leases.releaseLease(ReleaseLeaseRequest.newBuilder()
                .setSubnet("10.50.7.0/24")
                .setNodeName("db-1")
                .build());
        assertThat(fixture.etcdLeaseOf(key)).isZero();
        assertThat(fixture.etcdContents().get(key)).contains("\"NodeName\":\"db-1\"", "\"PublicIP\":\"192.168.9.1\"");
    }

    @Test
    void aReservedNodesAddressesAreClaimedWhileTheReservationLastsAndExpireWithTheLeaseItBecomes() throws Exception {
        leases.createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.50.7.0/24")
                .setNodeName("db-1")
                .build());
        leases.acquireLease(AllocatorFixture.vxlanNode("db-1", "192.168.9.1"));
        String claim = fixture.prefix + "/weft/addresses/public-ip/192.168.9.1";
        assertThat(fixture.etcdContents()).containsEntry(claim, "db-1");
        assertThat(fixture.etcdLeaseOf(claim))
                .as("a reserved node's claim never expires")
                .isZero();

        assertThatThrownBy(() -> leases.acquireLease(AllocatorFixture.vxlanNode("web-1", "192.168.9.1")))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains("192.168.9.1", "\"db-1\"", "10.50.7.0/24");
                });

        leases.deleteReservation(
                DeleteReservationRequest.newBuilder().setSubnet("10.50.7.0/24").build());
        assertThat(fixture.etcdContents()).containsEntry(claim, "db-1");
        assertThat(fixture.etcdLeaseOf(claim))
                .as("the claim moves onto the lease's etcd lease")
                .isEqualTo(fixture.etcdLeaseOf(key))
                .isNotZero();
    }

    @Test
    void anotherNodeCannotTakeAReservedSubnet() {
        leases.createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.50.7.0/24")
                .setNodeName("db-1")
                .build());
        Lease other = leases.acquireLease(AllocatorFixture.vxlanNode("web-1", "192.168.9.2").toBuilder()
                        .setPreviousSubnet("10.50.7.0/24")
                        .build())
                .getLease();
        assertThat(other.getSubnet()).isNotEqualTo("10.50.7.0/24");
        assertThatThrownBy(() -> leases.createReservation(CreateReservationRequest.newBuilder()
                        .setSubnet("10.50.7.0/24")
                        .setNodeName("web-1")
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void deletingAReservationInUseMakesItAnOrdinaryLease() throws Exception {
        leases.createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.50.7.0/24")
                .setNodeName("db-1")
                .build());
        leases.acquireLease(AllocatorFixture.vxlanNode("db-1", "192.168.9.1"));
        boolean converted = leases.deleteReservation(DeleteReservationRequest.newBuilder()
                        .setSubnet("10.50.7.0/24")
                        .build())
                .getConvertedToLease();
        assertThat(converted).isTrue();
        assertThat(fixture.etcdLeaseOf(key)).isNotZero();
        assertThat(leases.acquireLease(AllocatorFixture.vxlanNode("db-1", "192.168.9.1"))
                        .getSource())
                .isEqualTo("existing");
    }

    @Test
    void deletingAnUnusedReservationDeletesTheKey() throws Exception {
        leases.createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.50.7.0/24")
                .setNodeName("db-1")
                .build());
        assertThat(leases.deleteReservation(DeleteReservationRequest.newBuilder()
                                .setSubnet("10.50.7.0/24")
                                .build())
                        .getConvertedToLease())
                .isFalse();
        assertThat(fixture.etcdContents()).doesNotContainKey(key);
    }

    @Test
    void aNodesOwnLeaseCanBeTurnedIntoAReservation() throws Exception {
        Lease lease = leases.acquireLease(AllocatorFixture.vxlanNode("db-2", "192.168.9.3"))
                .getLease();
        String leaseKey = fixture.prefix + "/subnets/" + lease.getSubnet().replace('/', '-');
        assertThat(fixture.etcdLeaseOf(leaseKey)).isNotZero();
        leases.createReservation(CreateReservationRequest.newBuilder()
                .setSubnet(lease.getSubnet())
                .setNodeName("db-2")
                .build());
        assertThat(fixture.etcdLeaseOf(leaseKey)).isZero();
        assertThat(fixture.etcdContents().get(leaseKey)).contains("\"BackendType\":\"vxlan\"");
    }
}
