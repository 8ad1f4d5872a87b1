package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.api.v1.Lease;
import io.weft.api.v1.VxlanBackendData;
import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.node.backend.ExternalLink;
import io.weft.node.backend.HostFacts;
import io.weft.node.backend.NodeHost;
import io.weft.node.backend.VxlanBackend;
import io.weft.node.dataplane.KernelChange;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.LinkInfo;
import io.weft.node.dataplane.MemoryDataplane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A running programmer following a changed network config, and leaving another instance's routes alone. */
@Timeout(30)
class PeerProgrammerConfigTest {

    private static final IpAddress SELF_IP = IpAddress.parse("192.168.77.2");
    private static final String VXLAN_16 = "{\"Network\":\"10.1.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";
    private static final Lease OWN = Lease.newBuilder()
            .setNodeName("node-a")
            .setSubnet("10.1.1.0/24")
            .setPublicIp(SELF_IP.toString())
            .setBackendType("vxlan")
            .build();
    private static final Lease PEER = Lease.newBuilder()
            .setNodeName("node-b")
            .setSubnet("10.1.2.0/24")
            .setPublicIp("192.168.77.3")
            .setBackendType("vxlan")
            .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac("02:00:00:00:00:0b"))
            .build();
    /** A route of a second weft-node on this host (another network, host-gw over the same interface). */
    private static final KernelRoute OTHER_INSTANCE =
            new KernelRoute(IpPrefix.parse("10.200.3.0/24"), IpAddress.parse("192.168.77.9"), "eth0", false);

    @TempDir
    Path temp;

    private final MemoryDataplane dataplane = new MemoryDataplane();
    private PeerProgrammer programmer;

    @BeforeEach
    void start() throws Exception {
        dataplane.addUnderlay("eth0", 1500, IpPrefix.parse("192.168.77.0/24"));
        ExternalLink eth0 = new ExternalLink("eth0", 1500, Set.of(SELF_IP), Set.of(IpPrefix.parse("192.168.77.0/24")));
        NodeHost host = NodeHost.of("node-a", NetworkConfig.parse(VXLAN_16), eth0, SELF_IP, null);
        VxlanBackend backend = new VxlanBackend();
        backend.prepare(host, dataplane);
        NodeReadiness readiness = new NodeReadiness();
        programmer = new PeerProgrammer(
                host,
                backend,
                dataplane,
                new SubnetFile(temp.resolve("subnet.env")),
                HostFacts::none,
                readiness,
                new NodeMetrics(new SimpleMeterRegistry(), readiness::ready));
        dataplane.apply(List.of(new KernelChange.RouteReplace(OTHER_INSTANCE)));
        programmer.leaseAcquired(OWN);
        programmer.peersChanged(Map.of(OWN.getSubnet(), OWN, PEER.getSubnet(), PEER));
    }

    @Test
    void anotherInstancesRoutesSurviveReconciles() {
        programmer.reconcile();

        assertThat(dataplane.routeList(io.weft.config.IpFamily.IPV4))
                .contains(OTHER_INSTANCE)
                .anyMatch(route -> route.destination().equals(IpPrefix.parse("10.1.2.0/24")));
    }

    @Test
    void aWiderNetworkAndANewMtuChangeTheDeviceInPlaceAndRewriteSubnetEnv() throws Exception {
        LinkInfo before = dataplane.linkByName("flannel.1").orElseThrow();
        dataplane.clearRecording();

        List<String> done = programmer.configChanged(NetworkConfig.parse(
                "{\"Network\":\"10.0.0.0/12\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"," + "\"MTU\":1400}}"));

        LinkInfo after = dataplane.linkByName("flannel.1").orElseThrow();
        assertThat(after.mtu()).isEqualTo(1400);
        assertThat(after.index()).isEqualTo(before.index());
        assertThat(dataplane.linkOperations())
                .extracting(MemoryDataplane.LinkOperation::verb)
                .containsExactly("linkSetMtu");
        assertThat(Files.readString(temp.resolve("subnet.env")))
                .contains("FLANNEL_NETWORK=10.0.0.0/12\n")
                .contains("FLANNEL_SUBNET=10.1.1.1/24\n")
                .contains("FLANNEL_MTU=1400\n");
        assertThat(done).containsExactly("flannel.1 MTU 1450 -> 1400", "subnet.env rewritten");
        assertThat(dataplane.routeList(io.weft.config.IpFamily.IPV4)).contains(OTHER_INSTANCE);
    }

    @Test
    void directRoutingSwitchedOnReprogramsThePeer() throws Exception {
        List<String> done = programmer.configChanged(NetworkConfig.parse(
                "{\"Network\":\"10.1.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"DirectRouting\":true}}"));

        assertThat(dataplane.routeList(io.weft.config.IpFamily.IPV4))
                .contains(
                        new KernelRoute(IpPrefix.parse("10.1.2.0/24"), IpAddress.parse("192.168.77.3"), "eth0", false))
                .contains(OTHER_INSTANCE);
        assertThat(done).containsExactly("peers reprogrammed (0 added, 1 changed, 2 removed)");
    }
}
