package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.LinkInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Running agents following config changes that cannot be done in place, against the real
 * allocator (in-process gRPC over a real etcd) with memory kernels and one manual clock: the
 * reconcile tick (every minute here) reads the new config.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeAgentConfigTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @TempDir
    Path temp;

    private AgentLab lab;
    private TestHost a;
    private TestHost b;
    private NodeAgent agentA;
    private NodeAgent agentB;

    @BeforeEach
    void startBoth() throws Exception {
        lab = AgentLab.start(
                ETCD.endpoints(),
                List.of(),
                new AgentLab.Settling(Duration.ofSeconds(5), Duration.ofSeconds(40), true));
        a = new TestHost("node-a", 2, temp);
        b = new TestHost("node-b", 3, temp);
        lab.admin.setConfig(AgentLab.VXLAN, false);
        agentA = lab.started(a, false);
        agentB = lab.started(b, false);
        lab.settle(() -> agentA.notReadyReason() == null
                && agentB.notReadyReason() == null
                && a.routedSubnets().size() == 1
                && b.routedSubnets().size() == 1);
    }

    @AfterEach
    void stopEverything() {
        lab.close();
    }

    @Test
    void aNewVniRebuildsTheBackendInTheSameAgentAndThePeersFollow() {
        Lease before = agentA.lease().orElseThrow();

        lab.admin.setConfig("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":2}}", false);

        lab.settle(() -> lab.admin.getLeaseByNode("node-a").getVxlan().getVni() == 2
                && lab.admin.getLeaseByNode("node-b").getVxlan().getVni() == 2
                && a.dataplane.linkByName("flannel.2").map(LinkInfo::up).orElse(false)
                && a.dataplane.linkByName("flannel.1").isEmpty()
                && b.dataplane.routeList(IpFamily.IPV4).stream()
                        .map(KernelRoute::device)
                        .toList()
                        .equals(List.of("flannel.2")));
        assertThat(agentA.lease().orElseThrow().getSubnet())
                .as("asked for its subnet again")
                .isEqualTo(before.getSubnet());
    }

    @Test
    void aForcedRangeWithoutTheNodesSubnetMakesItAcquireANewOne() throws Exception {
        IpPrefix old = IpPrefix.parse(agentA.lease().orElseThrow().getSubnet());
        String min = old.address().toString().equals("10.244.200.0") ? "10.244.201.0" : "10.244.200.0";
        String narrower = "{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"" + min + "\",\"SubnetMax\":\""
                + "10.244.255.0\",\"Backend\":{\"Type\":\"vxlan\"}}";

        lab.admin.setConfig(narrower, true);

        lab.settle(() -> inRange(agentA.lease().orElseThrow(), min)
                && inRange(agentB.lease().orElseThrow(), min));
        Lease now = agentA.lease().orElseThrow();
        lab.settle(() -> Files.readString(a.subnetFile)
                .contains("FLANNEL_SUBNET=" + IpPrefix.parse(now.getSubnet()).firstHost() + "/24"));
        lab.settle(() -> b.routedSubnets().equals(List.of(IpPrefix.parse(now.getSubnet()))));
    }

    private static boolean inRange(Lease lease, String min) {
        int third = Integer.parseInt(lease.getSubnet().split("\\.")[2]);
        return third >= Integer.parseInt(min.split("\\.")[2]);
    }
}
