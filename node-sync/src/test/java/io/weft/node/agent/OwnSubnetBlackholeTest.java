package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.node.backend.ExternalLink;
import io.weft.node.backend.NodeHost;
import io.weft.node.dataplane.MemoryDataplane;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** --ip-blackhole-route: the own subnets' blackholes follow the lease, come back, and go on release. */
@Timeout(30)
class OwnSubnetBlackholeTest {

    private static final IpAddress SELF_IP = IpAddress.parse("192.168.77.2");
    private static final IpAddress SELF_IP6 = IpAddress.parse("fd77::2");

    private final MemoryDataplane dataplane = new MemoryDataplane();
    private final OwnSubnetBlackhole blackhole;

    OwnSubnetBlackholeTest() throws Exception {
        NetworkConfig network = NetworkConfig.parse("{\"Network\":\"10.244.0.0/16\",\"EnableIPv6\":true,"
                + "\"IPv6Network\":\"fd00:10::/56\",\"Backend\":{\"Type\":\"host-gw\"}}");
        ExternalLink eth0 = new ExternalLink(
                "eth0",
                1500,
                Set.of(SELF_IP, SELF_IP6),
                Set.of(IpPrefix.parse("192.168.77.0/24"), IpPrefix.parse("fd77::/64")));
        blackhole = new OwnSubnetBlackhole(NodeHost.of("node-a", network, eth0, SELF_IP, SELF_IP6), dataplane);
    }

    private static Lease lease(String subnet, String ipv6Subnet) {
        return Lease.newBuilder()
                .setNodeName("node-a")
                .setSubnet(subnet)
                .setIpv6Subnet(ipv6Subnet)
                .setPublicIp(SELF_IP.toString())
                .setPublicIpv6(SELF_IP6.toString())
                .setBackendType("host-gw")
                .build();
    }

    @Test
    void eachOwnSubnetGetsABlackholeThatMovesWithTheLease() {
        blackhole.leaseHeld(lease("10.244.1.0/24", "fd00:10:0:1::/64"));

        assertThat(dataplane.blackholeList(IpFamily.IPV4)).containsExactly(IpPrefix.parse("10.244.1.0/24"));
        assertThat(dataplane.blackholeList(IpFamily.IPV6)).containsExactly(IpPrefix.parse("fd00:10:0:1::/64"));

        blackhole.leaseHeld(lease("10.244.7.0/24", "fd00:10:0:7::/64"));

        assertThat(dataplane.blackholeList(IpFamily.IPV4)).containsExactly(IpPrefix.parse("10.244.7.0/24"));
        assertThat(dataplane.blackholeList(IpFamily.IPV6)).containsExactly(IpPrefix.parse("fd00:10:0:7::/64"));
    }

    @Test
    void aDeletedBlackholeComesBackAtTheNextReconcileAndGoesOnRelease() {
        blackhole.leaseHeld(lease("10.244.1.0/24", "fd00:10:0:1::/64"));
        dataplane.blackholeDelete(IpPrefix.parse("10.244.1.0/24"));

        blackhole.reconcile();

        assertThat(dataplane.blackholeList(IpFamily.IPV4)).containsExactly(IpPrefix.parse("10.244.1.0/24"));

        blackhole.remove();

        assertThat(dataplane.blackholeList(IpFamily.IPV4)).isEmpty();
        assertThat(dataplane.blackholeList(IpFamily.IPV6)).isEmpty();
    }

    @Test
    void nothingIsAddedBeforeALeaseIsHeld() {
        blackhole.reconcile();
        blackhole.remove();

        assertThat(dataplane.blackholeList(IpFamily.IPV4)).isEmpty();
    }
}
