package io.weft.node.backend;

import static io.weft.node.backend.TestCluster.ETH0;
import static io.weft.node.backend.TestCluster.SELF_IP;
import static io.weft.node.backend.TestCluster.SELF_IP6;
import static io.weft.node.backend.TestCluster.ip;
import static io.weft.node.backend.TestCluster.mac;
import static io.weft.node.backend.TestCluster.p;
import static io.weft.node.backend.TestCluster.vxlanPeer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.api.v1.Lease;
import io.weft.api.v1.VxlanBackendData;
import io.weft.config.IpFamily;
import io.weft.config.NetworkConfig;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.VxlanSpec;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link VxlanBackend}'s desired state and device specs: pure, no kernel. */
@Timeout(30)
class VxlanBackendTest {

    private final VxlanBackend backend = new VxlanBackend();

    private static KernelRoute onlink(String subnet, String device) {
        return new KernelRoute(p(subnet), p(subnet).address(), device, true);
    }

    @Test
    void eachRemoteVxlanLeaseGetsANeighbourAnFdbEntryAndAnOnlinkRoute() {
        NetworkConfig network = TestCluster.vxlan(false, false);
        List<Lease> peers = List.of(
                vxlanPeer(2, "10.20.0.2").build(), vxlanPeer(3, "10.20.0.3").build());

        DesiredState desired = backend.desired(TestCluster.self(network), PeerLease.of(peers));

        assertThat(desired.devices()).containsExactly("flannel.1");
        assertThat(desired.routes())
                .containsExactlyInAnyOrder(onlink("10.244.2.0/24", "flannel.1"), onlink("10.244.3.0/24", "flannel.1"));
        assertThat(desired.neighbours())
                .containsExactlyInAnyOrder(
                        new KernelNeighbour(ip("10.244.2.0"), mac(2, false), "flannel.1"),
                        new KernelNeighbour(ip("10.244.3.0"), mac(3, false), "flannel.1"));
        assertThat(desired.fdb())
                .containsExactlyInAnyOrder(
                        new KernelFdbEntry(mac(2, false), ip("10.20.0.2"), "flannel.1"),
                        new KernelFdbEntry(mac(3, false), ip("10.20.0.3"), "flannel.1"));
        assertThat(desired.skipped()).isEmpty();
    }

    @Test
    void dualStackAddsTheIpv6ObjectsOnTheIpv6Device() {
        NetworkConfig network = TestCluster.vxlan(true, false);

        DesiredState desired = backend.desired(
                TestCluster.self(network),
                PeerLease.of(List.of(vxlanPeer(2, "10.20.0.2").build())));

        assertThat(desired.devices()).containsExactlyInAnyOrder("flannel.1", "flannel-v6.1");
        assertThat(desired.routes())
                .containsExactlyInAnyOrder(
                        onlink("10.244.2.0/24", "flannel.1"), onlink("fd00:10:244:2::/64", "flannel-v6.1"));
        assertThat(desired.neighbours())
                .contains(new KernelNeighbour(ip("fd00:10:244:2::"), mac(2, true), "flannel-v6.1"));
        assertThat(desired.fdb()).contains(new KernelFdbEntry(mac(2, true), ip("fd00:78::2"), "flannel-v6.1"));
        assertThat(desired.neighbours()).hasSize(2);
        assertThat(desired.fdb()).hasSize(2);
    }

    @Test
    void directRoutingSendsPeersOnTheExternalSubnetStraightThere() {
        NetworkConfig network = TestCluster.vxlan(false, true);
        Lease near = vxlanPeer(2, "192.168.77.102").build();
        Lease far = vxlanPeer(3, "10.20.0.3").build();

        DesiredState desired = backend.desired(TestCluster.self(network), PeerLease.of(List.of(near, far)));

        assertThat(desired.routes())
                .containsExactlyInAnyOrder(
                        new KernelRoute(p("10.244.2.0/24"), ip("192.168.77.102"), "eth0", false),
                        onlink("10.244.3.0/24", "flannel.1"));
        assertThat(desired.neighbours()).extracting(KernelNeighbour::address).containsExactly(ip("10.244.3.0"));
        assertThat(desired.fdb()).extracting(KernelFdbEntry::destination).containsExactly(ip("10.20.0.3"));
    }

    @Test
    void withoutDirectRoutingANearPeerIsStillEncapsulated() {
        NetworkConfig network = TestCluster.vxlan(false, false);

        DesiredState desired = backend.desired(
                TestCluster.self(network),
                PeerLease.of(List.of(vxlanPeer(2, "192.168.77.102").build())));

        assertThat(desired.routes()).containsExactly(onlink("10.244.2.0/24", "flannel.1"));
        assertThat(desired.fdb()).containsExactly(new KernelFdbEntry(mac(2, false), ip("192.168.77.102"), "flannel.1"));
    }

    @Test
    void directRoutingAlsoAppliesToIpv6PeersOnTheExternalIpv6Subnet() {
        NetworkConfig network = TestCluster.vxlan(true, true);
        Lease near6 = vxlanPeer(2, "10.20.0.2").setPublicIpv6("fd00:77::66").build();

        DesiredState desired = backend.desired(TestCluster.self(network), PeerLease.of(List.of(near6)));

        assertThat(desired.routes())
                .containsExactlyInAnyOrder(
                        onlink("10.244.2.0/24", "flannel.1"),
                        new KernelRoute(p("fd00:10:244:2::/64"), ip("fd00:77::66"), "eth0", false));
        assertThat(desired.neighbours()).extracting(KernelNeighbour::device).containsExactly("flannel.1");
    }

    @Test
    void malformedLeasesAreSkippedAndCountedWhileTheOthersStay() {
        NetworkConfig network = TestCluster.vxlan(false, false);
        List<Lease> peers = List.of(
                vxlanPeer(2, "10.20.0.2").build(),
                vxlanPeer(3, "10.20.0.3")
                        .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac("zz:00"))
                        .build(),
                vxlanPeer(4, "10.20.0.4").setBackendType("host-gw").build(),
                vxlanPeer(5, "").build(),
                vxlanPeer(6, "10.20.0.6").setSubnet("10.99.6.0/24").build(),
                vxlanPeer(7, "10.20.0.7")
                        .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac("01:00:5e:00:00:07"))
                        .build(),
                vxlanPeer(8, "10.20.0.8")
                        .setVxlan(VxlanBackendData.newBuilder().setVni(2).setVtepMac(mac(8, false)))
                        .build(),
                vxlanPeer(9, "10.20.0.9").clearVxlan().build(),
                vxlanPeer(10, "10.20.0.10").setSubnet("10.244.10.0/25").build(),
                vxlanPeer(11, "not-an-ip").build(),
                vxlanPeer(12, "10.20.0.12").build());

        DesiredState desired = backend.desired(TestCluster.self(network), PeerLease.of(peers));

        assertThat(desired.routes())
                .containsExactlyInAnyOrder(onlink("10.244.2.0/24", "flannel.1"), onlink("10.244.12.0/24", "flannel.1"));
        assertThat(desired.neighbours()).hasSize(2);
        assertThat(desired.fdb()).hasSize(2);
        assertThat(desired.skipped())
                .extracting(SkippedPeer::toString)
                .containsExactly(
                        "node-10: IPv4: subnet 10.244.10.0/25 is not a /24 like the network's subnets",
                        "node-11: IPv4: public IP: \"not-an-ip\" is not an IPv4 or IPv6 address",
                        "node-3: IPv4: VTEP MAC: \"zz:00\" is not a MAC address like 0a:58:0a:f4:01:01",
                        "node-4: backend type \"host-gw\", not vxlan",
                        "node-5: IPv4: no public IP",
                        "node-6: IPv4: subnet 10.99.6.0/24 is outside the network 10.244.0.0/16",
                        "node-7: IPv4: VTEP MAC 01:00:5e:00:00:07 is not a unicast address",
                        "node-8: IPv4: VNI 2, this network uses 1",
                        "node-9: IPv4: no vxlan BackendData");
    }

    @Test
    void aDualStackPeerWithoutIpv6DataKeepsItsIpv4Objects() {
        NetworkConfig network = TestCluster.vxlan(true, false);
        Lease v4Only = vxlanPeer(2, "10.20.0.2").clearVxlanV6().build();

        DesiredState desired = backend.desired(TestCluster.self(network), PeerLease.of(List.of(v4Only)));

        assertThat(desired.routes()).containsExactly(onlink("10.244.2.0/24", "flannel.1"));
        assertThat(desired.skipped())
                .extracting(SkippedPeer::toString)
                .containsExactly("node-2: IPv6: no vxlan BackendV6Data");
    }

    @Test
    void theNodesOwnLeaseIsNeverAPeer() {
        NetworkConfig network = TestCluster.vxlan(false, false);
        Lease own = TestCluster.ownLease(network);
        Lease ownWrittenByFlanneld = vxlanPeer(1, "10.20.0.1").setNodeName("").build();
        Lease sameNameElsewhere =
                vxlanPeer(9, "10.20.0.9").setNodeName(TestCluster.SELF).build();

        DesiredState desired = backend.desired(
                TestCluster.self(network),
                PeerLease.of(List.of(
                        own,
                        ownWrittenByFlanneld,
                        sameNameElsewhere,
                        vxlanPeer(2, "10.20.0.2").build())));

        assertThat(desired.routes()).containsExactly(onlink("10.244.2.0/24", "flannel.1"));
        assertThat(desired.skipped()).isEmpty();
    }

    @Test
    void aPeerClaimingThisNodesPublicIpIsSkipped() {
        NetworkConfig network = TestCluster.vxlan(false, false);

        DesiredState desired = backend.desired(
                TestCluster.self(network),
                PeerLease.of(List.of(vxlanPeer(2, SELF_IP.toString()).build())));

        assertThat(desired.routes()).isEmpty();
        assertThat(desired.skipped())
                .extracting(SkippedPeer::reason)
                .containsExactly("IPv4: public IP 192.168.77.2 is this node's own");
    }

    @Test
    void twoPeersWithOneVtepMacResolveTheSameWayWhateverTheInputOrder() {
        NetworkConfig network = TestCluster.vxlan(false, false);
        VxlanBackendData shared = VxlanBackendData.newBuilder()
                .setVni(1)
                .setVtepMac(mac(2, false))
                .build();
        Lease first = vxlanPeer(2, "10.20.0.2").build();
        Lease clone = vxlanPeer(3, "10.20.0.3").setVxlan(shared).build();

        DesiredState forward = backend.desired(TestCluster.self(network), PeerLease.of(List.of(first, clone)));
        DesiredState backward = backend.desired(TestCluster.self(network), PeerLease.of(List.of(clone, first)));

        assertThat(forward).isEqualTo(backward);
        assertThat(forward.routes()).containsExactly(onlink("10.244.2.0/24", "flannel.1"));
        assertThat(forward.skipped())
                .extracting(SkippedPeer::toString)
                .containsExactly("node-3: IPv4: VTEP MAC 0a:00:00:00:0f:02 is also used by node-2");
    }

    @Test
    void aLeaseGivenTwiceCountsOnce() {
        NetworkConfig network = TestCluster.vxlan(false, false);
        Lease peer = vxlanPeer(2, "10.20.0.2").build();

        DesiredState desired = backend.desired(TestCluster.self(network), PeerLease.of(List.of(peer, peer)));

        assertThat(desired.routes()).hasSize(1);
        assertThat(desired.skipped()).isEmpty();
    }

    @Test
    void aVtepWithoutAVniFromAnOlderFlanneldIsAccepted() {
        NetworkConfig network = TestCluster.vxlan(false, false);
        Lease old = vxlanPeer(2, "10.20.0.2")
                .setNodeName("")
                .setVxlan(VxlanBackendData.newBuilder().setVtepMac(mac(2, false)))
                .build();

        DesiredState desired = backend.desired(TestCluster.self(network), PeerLease.of(List.of(old)));

        assertThat(desired.fdb()).containsExactly(new KernelFdbEntry(mac(2, false), ip("10.20.0.2"), "flannel.1"));
    }

    @Test
    void noPeersMeansNothingWantedButTheDevicesStayWefts() {
        DesiredState desired =
                backend.desired(TestCluster.self(TestCluster.vxlan(true, false)), PeerLease.of(List.of()));

        assertThat(desired.routes()).isEmpty();
        assertThat(desired.devices()).containsExactlyInAnyOrder("flannel.1", "flannel-v6.1");
    }

    @Test
    void devicesFollowFlannelsNamesMtusAndPortWithAStableMac() throws BackendException {
        NetworkConfig network = TestCluster.vxlan(true, false);

        List<VxlanSpec> specs = backend.devices(TestCluster.host(network));

        assertThat(specs)
                .containsExactly(
                        new VxlanSpec(
                                "flannel.1",
                                1,
                                SELF_IP,
                                "eth0",
                                8472,
                                false,
                                false,
                                1450,
                                VtepMac.derive("node-a", 1, IpFamily.IPV4)),
                        new VxlanSpec(
                                "flannel-v6.1",
                                1,
                                SELF_IP6,
                                "eth0",
                                8472,
                                false,
                                false,
                                1430,
                                VtepMac.derive("node-a", 1, IpFamily.IPV6)));
    }

    @Test
    void configuredSettingsReachTheDeviceSpec() throws BackendException {
        NetworkConfig network = TestCluster.config(
                "{\"Type\": \"vxlan\", \"VNI\": 7, \"Port\": 4789, \"GBP\": true, \"MTU\": 1400}", false);

        VxlanSpec spec = backend.devices(TestCluster.host(network)).getFirst();

        assertThat(spec.name()).isEqualTo("flannel.7");
        assertThat(spec.vni()).isEqualTo(7);
        assertThat(spec.port()).isEqualTo(4789);
        assertThat(spec.gbp()).isTrue();
        assertThat(spec.mtu()).isEqualTo(1400);
    }

    @Test
    void anMtuTooLargeForTheExternalInterfaceIsRefusedWithTheLimit() {
        NetworkConfig network = TestCluster.config("{\"Type\": \"vxlan\", \"MTU\": 1480}", false);

        assertThatThrownBy(() -> backend.devices(TestCluster.host(network)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("eth0 has MTU 1500")
                .hasMessageContaining("at most 1450");
    }

    @Test
    void ipv6WithoutAPublicIpv6AddressIsRefused() {
        NetworkConfig network = TestCluster.vxlan(true, false);
        NodeHost noIpv6 = NodeHost.of("node-a", network, ETH0, SELF_IP, null);

        assertThatThrownBy(() -> backend.devices(noIpv6))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("public IPv6 address");
    }

    @Test
    void aVniTooLongForADeviceNameIsRefused() {
        NetworkConfig network = TestCluster.config("{\"Type\": \"vxlan\", \"VNI\": 1000000}", true);

        assertThatThrownBy(() -> backend.devices(TestCluster.host(network)))
                .isInstanceOf(BackendException.class)
                .hasMessageContaining("flannel-v6.1000000");
    }

    @Test
    void theContextRefusesALeaseWithoutTheSubnetOfAnEnabledFamily() {
        NetworkConfig network = TestCluster.vxlan(true, false);
        Lease v4Only = TestCluster.ownLease(TestCluster.vxlan(false, false));

        assertThatThrownBy(() -> new NodeContext(TestCluster.host(network), v4Only))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("IPv6");
        assertThat(TestCluster.self(network).subnet(IpFamily.IPV6)).contains(p("fd00:10:244:1::/64"));
    }
}
