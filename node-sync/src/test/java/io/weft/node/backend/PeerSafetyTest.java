package io.weft.node.backend;

import static io.weft.node.backend.TestCluster.ip;
import static io.weft.node.backend.TestCluster.p;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.config.ConfigException;
import io.weft.config.NetworkConfig;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A peer lease can never hijack the host: a subnet covering the host's addresses, its connected
 * routes, its way to the allocator or the default route, or outside SubnetMin..SubnetMax, or a
 * public IP that is loopback, multicast, link-local or unspecified, is skipped with its kind.
 */
@Timeout(10)
class PeerSafetyTest {

    /** A pod network that also holds the hosts' LAN (a misconfiguration weft must survive). */
    private static final NetworkConfig WIDE = config("{\"Network\":\"10.0.0.0/8\",\"SubnetLen\":24,"
            + "\"SubnetMin\":\"10.0.1.0\",\"SubnetMax\":\"10.250.0.0\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}");
    /** eth0 192.168.77.2/24 plus a LAN interface 10.99.0.1/24; default gateway 10.99.0.254; allocator 10.98.0.5. */
    private static final HostFacts HOST = new HostFacts(
            Set.of(ip("192.168.77.2"), ip("10.99.0.1"), ip("10.244.1.1")),
            Set.of(p("192.168.77.0/24"), p("10.99.0.0/24"), p("10.244.1.0/24")),
            Set.of(ip("10.98.0.5"), ip("10.97.0.1")));

    private static NetworkConfig config(String json) {
        try {
            return NetworkConfig.parse(json);
        } catch (ConfigException e) {
            throw new AssertionError(e);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "10.99.0.0/24 | 192.0.2.9 | overlaps this host's addresses | subnet 10.99.0.0/24 holds this host's address 10.99.0.1",
                "10.98.0.0/24 | 192.0.2.9 | covers the route to the allocator | subnet 10.98.0.0/24 holds 10.98.0.5, on this host's way to the allocator",
                "10.97.0.0/24 | 192.0.2.9 | covers the route to the allocator | subnet 10.97.0.0/24 holds 10.97.0.1, on this host's way to the allocator",
                "10.251.0.0/24 | 192.0.2.9 | outside SubnetMin..SubnetMax | subnet 10.251.0.0/24 is outside SubnetMin..SubnetMax 10.0.1.0..10.250.0.0",
                "10.5.0.0/24 | 127.0.0.1 | unusable public IP | public IP 127.0.0.1 is in 127.0.0.0/8 (loopback)",
                "10.5.0.0/24 | 224.0.0.5 | unusable public IP | public IP 224.0.0.5 is in 224.0.0.0/4 (multicast)",
                "10.5.0.0/24 | 169.254.1.1 | unusable public IP | public IP 169.254.1.1 is in 169.254.0.0/16 (link-local)",
                "10.5.0.0/24 | 0.0.0.0 | unusable public IP | public IP 0.0.0.0 is in 0.0.0.0/8 (this host, the default route)",
            })
    void unsafePeersAreNamedWithTheirKind(String subnet, String publicIp, String kind, String message) {
        assertThat(PeerSafety.check(HOST, WIDE, p(subnet), ip(publicIp)))
                .contains(new PeerSafety.Unsafe(kind, message));
    }

    @Test
    void aSubnetCoveringAConnectedRouteWithoutHoldingTheAddressIsUnsafe() {
        HostFacts host = new HostFacts(Set.of(), Set.of(p("10.50.0.0/25")), Set.of());

        assertThat(PeerSafety.check(host, WIDE, p("10.50.0.0/24"), ip("192.0.2.9")))
                .get()
                .extracting(PeerSafety.Unsafe::kind)
                .isEqualTo(PeerSafety.CONNECTED_ROUTE);
    }

    @Test
    void theDefaultRouteIsNeverAPeerSubnet() {
        assertThat(PeerSafety.check(HostFacts.none(), WIDE, p("0.0.0.0/0"), ip("192.0.2.9")))
                .get()
                .extracting(PeerSafety.Unsafe::kind)
                .isEqualTo(PeerSafety.DEFAULT_ROUTE);
    }

    @Test
    void anOrdinaryPeerIsSafe() {
        assertThat(PeerSafety.check(HOST, WIDE, p("10.5.0.0/24"), ip("192.168.77.5")))
                .isEqualTo(Optional.empty());
    }

    @Test
    void theBackendSkipsALeaseForTheHostsLanAndProgramsTheOthers() {
        NodeHost host = NodeHost.of("node-a", WIDE, TestCluster.ETH0, TestCluster.SELF_IP, null);
        Lease own = Lease.newBuilder()
                .setNodeName("node-a")
                .setSubnet("10.244.1.0/24")
                .setPublicIp("192.168.77.2")
                .setBackendType("vxlan")
                .build();
        Lease lan = TestCluster.vxlanPeer(2, "192.168.77.50")
                .setNodeName("intruder")
                .setSubnet("10.99.0.0/24")
                .build();
        Lease good = TestCluster.vxlanPeer(3, "192.168.77.103").build();

        DesiredState desired =
                new VxlanBackend().desired(new NodeContext(host, own, HOST), PeerLease.of(List.of(own, lan, good)));

        assertThat(desired.skipped())
                .containsExactly(new SkippedPeer(
                        "intruder",
                        PeerSafety.HOST_ADDRESS,
                        "IPv4: subnet 10.99.0.0/24 holds this host's address 10.99.0.1"));
        assertThat(desired.routes()).extracting(r -> r.destination().toString()).containsExactly("10.244.3.0/24");
    }
}
