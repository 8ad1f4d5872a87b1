package io.weft.node.backend;

import static io.weft.node.backend.TestCluster.ETH0;
import static io.weft.node.backend.TestCluster.SELF_IP;
import static io.weft.node.backend.TestCluster.hostGwPeer;
import static io.weft.node.backend.TestCluster.ip;
import static io.weft.node.backend.TestCluster.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.v1.Lease;
import io.weft.config.NetworkConfig;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.MemoryDataplane;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link HostGwBackend}: one route per peer via its public IP, and the public-IP check. */
@Timeout(30)
class HostGwBackendTest {

    private final HostGwBackend backend = new HostGwBackend();

    private static KernelRoute via(String subnet, String gateway) {
        return new KernelRoute(p(subnet), ip(gateway), "eth0", false);
    }

    @Test
    void eachPeerGetsARouteViaItsPublicIpOnTheExternalInterface() {
        NetworkConfig network = TestCluster.hostGw(false);

        DesiredState desired = backend.desired(
                TestCluster.self(network),
                PeerLease.of(List.of(hostGwPeer(2).build(), hostGwPeer(3).build())));

        assertThat(desired.routes())
                .containsExactlyInAnyOrder(
                        via("10.244.2.0/24", "192.168.77.102"), via("10.244.3.0/24", "192.168.77.103"));
        assertThat(desired.neighbours()).isEmpty();
        assertThat(desired.fdb()).isEmpty();
        assertThat(desired.devices()).isEmpty();
        assertThat(desired.skipped()).isEmpty();
    }

    @Test
    void dualStackAddsTheIpv6Route() {
        NetworkConfig network = TestCluster.hostGw(true);

        DesiredState desired = backend.desired(
                TestCluster.self(network), PeerLease.of(List.of(hostGwPeer(2).build())));

        assertThat(desired.routes())
                .containsExactlyInAnyOrder(
                        via("10.244.2.0/24", "192.168.77.102"), via("fd00:10:244:2::/64", "fd00:77::66"));
    }

    @Test
    void unusablePeersAreSkippedWithTheReasonAndTheOthersStay() {
        NetworkConfig network = TestCluster.hostGw(false);
        List<Lease> peers = List.of(
                hostGwPeer(2).build(),
                hostGwPeer(3).setBackendType("vxlan").build(),
                hostGwPeer(4).setPublicIp("10.20.0.4").build(),
                hostGwPeer(5).clearPublicIp().build(),
                hostGwPeer(6).setSubnet("bogus").build(),
                TestCluster.ownLease(network));

        DesiredState desired = backend.desired(TestCluster.self(network), PeerLease.of(peers));

        assertThat(desired.routes()).containsExactly(via("10.244.2.0/24", "192.168.77.102"));
        assertThat(desired.skipped())
                .extracting(SkippedPeer::toString)
                .containsExactly(
                        "node-3: backend type \"vxlan\", not host-gw",
                        "node-4: IPv4: public IP 10.20.0.4 is not on a subnet of eth0; host-gw needs every node on one L2 network",
                        "node-5: IPv4: no public IP",
                        "node-6: IPv4: \"bogus\" is not a CIDR prefix; expected address/length such as 10.244.0.0/16 or fd00::/8");
    }

    @Test
    void aPublicIpOnTheInterfacePassesTheCheck() throws BackendException {
        NodeHost host = TestCluster.host(TestCluster.hostGw(true));

        assertThatCode(() -> HostGwBackend.requirePublicIpOnInterface(host)).doesNotThrowAnyException();
        Advertisement advertisement = backend.prepare(host, new MemoryDataplane());
        assertThat(advertisement.backendType()).isEqualTo("host-gw");
        assertThat(advertisement.vxlan()).isEmpty();
        assertThat(advertisement.vxlanV6()).isEmpty();
    }

    @Test
    void aPublicIpThatIsNotAnAddressOfTheInterfaceRefusesToStart() {
        NodeHost natted = NodeHost.of("node-a", TestCluster.hostGw(false), ETH0, ip("203.0.113.5"), null);

        assertThatThrownBy(() -> backend.prepare(natted, new MemoryDataplane()))
                .isInstanceOf(BackendException.class)
                .hasMessageStartingWith(
                        "host-gw: the public IP 203.0.113.5 is not an address of eth0 (it has [192.168.77.2])")
                .hasMessageContaining("NAT");
    }

    @Test
    void dualStackNeedsAPublicIpv6AddressOnTheInterface() {
        NodeHost noIpv6 = NodeHost.of("node-a", TestCluster.hostGw(true), ETH0, SELF_IP, null);
        NodeHost foreignIpv6 = NodeHost.of("node-a", TestCluster.hostGw(true), ETH0, SELF_IP, ip("2001:db8::5"));

        assertThatThrownBy(() -> HostGwBackend.requirePublicIpOnInterface(noIpv6))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("public IPv6 address");
        assertThatThrownBy(() -> HostGwBackend.requirePublicIpOnInterface(foreignIpv6))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("2001:db8::5");
    }

    @Test
    void hostGwNeedsNoDevices() {
        assertThat(backend.devices(TestCluster.host(TestCluster.hostGw(true)))).isEmpty();
    }
}
