package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.VxlanBackendData;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A public IP, a VTEP MAC and a node name belong to one host, tried over a plain gRPC channel:
 * a node claiming another node's address, or a second host with a live lease's node name, is
 * refused with FAILED_PRECONDITION naming the holder, and etcd is left as it was; a host that
 * really replaced the old one takes the lease over explicitly, and the old host's next renewal
 * tells it so.
 */
@Timeout(60)
class OneHostPerLeaseIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static AllocatorFixture fixture;
    private static LeaseServiceGrpc.LeaseServiceBlockingStub leases;

    @BeforeAll
    static void start() throws Exception {
        fixture = new AllocatorFixture(ETCD.endpoints());
        AllocatorServer server = fixture.startServer(Duration.ofHours(1));
        fixture.setConfig(server, "{\"Network\":\"10.12.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
        leases = fixture.leases(server);
    }

    @AfterAll
    static void stop() {
        fixture.close();
    }

    @Test
    void anotherNodesPublicIpIsRefusedNamingItsHolder() throws Exception {
        Lease a = leases.acquireLease(host("ip-a", "192.168.20.1", "0a:00:00:00:20:01"))
                .getLease();

        assertRefusedUnchanged(
                host("ip-b", "192.168.20.1", "0a:00:00:00:20:02"),
                "public_ip",
                "192.168.20.1",
                "\"ip-a\"",
                a.getSubnet());
    }

    @Test
    void anotherNodesVtepMacIsRefusedInEitherCase() throws Exception {
        Lease a = leases.acquireLease(host("mac-a", "192.168.21.1", "0a:00:00:00:21:0a"))
                .getLease();

        assertRefusedUnchanged(
                host("mac-c", "192.168.21.3", "0A:00:00:00:21:0A"),
                "vxlan.vtep_mac",
                "0a:00:00:00:21:0a",
                "\"mac-a\"",
                a.getSubnet());
    }

    @Test
    void aSecondHostWithALiveLeasesNodeNameIsRefusedAndTheFirstKeepsRenewing() throws Exception {
        AcquireLeaseRequest first = host("clone", "192.168.22.1", "0a:00:00:00:22:01");
        Lease held = leases.acquireLease(first).getLease();

        assertRefusedUnchanged(
                host("clone", "192.168.22.2", "0a:00:00:00:22:02"),
                "clone",
                held.getSubnet(),
                "192.168.22.1",
                "--takeover");
        assertThat(leases.renewLease(renewalBy(first, held)).getLease().getPublicIp())
                .isEqualTo("192.168.22.1");
    }

    @Test
    void anExplicitTakeoverMovesTheLeaseAndTheOldHostLearnsAtItsNextRenewal() throws Exception {
        AcquireLeaseRequest old = host("renumbered", "192.168.23.1", "0a:00:00:00:23:01");
        Lease held = leases.acquireLease(old).getLease();

        AcquireLeaseRequest replacement = host("renumbered", "192.168.23.9", "0a:00:00:00:23:09").toBuilder()
                .setTakeover(true)
                .build();
        Lease taken = leases.acquireLease(replacement).getLease();

        assertThat(taken.getSubnet()).isEqualTo(held.getSubnet());
        assertThat(taken.getPublicIp()).isEqualTo("192.168.23.9");
        assertThatThrownBy(() -> leases.renewLease(renewalBy(old, held)))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription())
                            .contains(held.getSubnet(), "192.168.23.9", "no longer holds it");
                });
        assertThat(leases.renewLease(renewalBy(replacement, taken)).getLease().getPublicIp())
                .isEqualTo("192.168.23.9");
    }

    @Test
    void theAddressesAreClaimedInEtcdAndAReleaseGivesThemBack() throws Exception {
        AcquireLeaseRequest first = host("claims-a", "192.168.24.1", "0a:00:00:00:24:01");
        Lease held = leases.acquireLease(first).getLease();

        assertThat(fixture.etcdContents())
                .containsEntry(addressKey("public-ip", "192.168.24.1"), "claims-a")
                .containsEntry(addressKey("vtep-mac", "0a:00:00:00:24:01"), "claims-a");
        leases.releaseLease(ReleaseLeaseRequest.newBuilder()
                .setSubnet(held.getSubnet())
                .setNodeName("claims-a")
                .build());
        assertThat(fixture.etcdContents())
                .doesNotContainKeys(
                        addressKey("public-ip", "192.168.24.1"), addressKey("vtep-mac", "0a:00:00:00:24:01"));

        Lease next = leases.acquireLease(host("claims-b", "192.168.24.1", "0a:00:00:00:24:01"))
                .getLease();
        assertThat(next.getNodeName()).isEqualTo("claims-b");
        assertThat(fixture.etcdContents()).containsEntry(addressKey("public-ip", "192.168.24.1"), "claims-b");
    }

    @Test
    void aLeaseDeletedByHandLeavesNoClaimThatBlocksItsAddress() throws Exception {
        Lease held = leases.acquireLease(host("by-hand-a", "192.168.25.1", "0a:00:00:00:25:01"))
                .getLease();
        String leaseKey = fixture.prefix + "/subnets/" + held.getSubnet().replace('/', '-');
        fixture.etcd.getKVClient().delete(AllocatorFixture.bytes(leaseKey)).get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> leases.listLeases(ListLeasesRequest.getDefaultInstance()).getLeasesList().stream()
                        .noneMatch(lease -> lease.getSubnet().equals(held.getSubnet())));

        Lease next = leases.acquireLease(host("by-hand-b", "192.168.25.1", "0a:00:00:00:25:01"))
                .getLease();

        assertThat(next.getNodeName()).isEqualTo("by-hand-b");
        assertThat(fixture.etcdContents())
                .containsEntry(addressKey("public-ip", "192.168.25.1"), "by-hand-b")
                .containsEntry(addressKey("vtep-mac", "0a:00:00:00:25:01"), "by-hand-b");
    }

    @Test
    void aTakeoverMovesTheAddressClaimsToTheNewHost() throws Exception {
        leases.acquireLease(host("moved", "192.168.26.1", "0a:00:00:00:26:01"));

        leases.acquireLease(host("moved", "192.168.26.9", "0a:00:00:00:26:09").toBuilder()
                .setTakeover(true)
                .build());

        assertThat(fixture.etcdContents())
                .containsEntry(addressKey("public-ip", "192.168.26.9"), "moved")
                .containsEntry(addressKey("vtep-mac", "0a:00:00:00:26:09"), "moved")
                .doesNotContainKeys(
                        addressKey("public-ip", "192.168.26.1"), addressKey("vtep-mac", "0a:00:00:00:26:01"));
        assertThat(leases.acquireLease(host("other", "192.168.26.1", "0a:00:00:00:26:01"))
                        .getLease()
                        .getNodeName())
                .isEqualTo("other");
    }

    private static String addressKey(String kind, String address) {
        return fixture.prefix + "/weft/addresses/" + kind + "/" + address;
    }

    private static void assertRefusedUnchanged(AcquireLeaseRequest request, String... named) throws Exception {
        long revision = fixture.etcdRevision();
        Map<String, String> before = fixture.etcdContents();
        assertThatThrownBy(() -> leases.acquireLease(request))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                    assertThat(e.getStatus().getDescription()).contains(named);
                });
        assertThat(fixture.etcdRevision()).as("etcd's revision").isEqualTo(revision);
        assertThat(fixture.etcdContents()).isEqualTo(before);
    }

    private static AcquireLeaseRequest host(String node, String publicIp, String mac) {
        return AcquireLeaseRequest.newBuilder()
                .setNodeName(node)
                .setPublicIp(publicIp)
                .setBackendType("vxlan")
                .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac(mac))
                .build();
    }

    private static RenewLeaseRequest renewalBy(AcquireLeaseRequest host, Lease lease) {
        return RenewLeaseRequest.newBuilder()
                .setSubnet(lease.getSubnet())
                .setNodeName(host.getNodeName())
                .setPublicIp(host.getPublicIp())
                .setVtepMac(host.getVxlan().getVtepMac())
                .build();
    }
}
