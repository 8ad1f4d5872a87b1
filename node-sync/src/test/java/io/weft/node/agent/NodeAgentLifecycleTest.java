package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.Lease;
import io.weft.client.LeaseKey;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's whole life without root: started from its parts against the real allocator
 * (in-process gRPC over a real etcd), with memory kernels and one manual clock. Each test drives
 * time by hand; Awaitility waits for the kernel thread, never a sleep.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeAgentLifecycleTest {

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
    void startAllocator() throws Exception {
        lab = AgentLab.start(ETCD.endpoints());
        a = new TestHost("node-a", 2, temp);
        b = new TestHost("node-b", 3, temp);
    }

    @AfterEach
    void stopEverything() {
        lab.close();
    }

    @Test
    void startedNodesHoldLeasesWriteSubnetEnvAndRouteToEachOther() throws Exception {
        startBoth();

        Lease leaseA = agentA.lease().orElseThrow();
        Lease leaseB = agentB.lease().orElseThrow();
        assertThat(Files.readString(a.subnetFile))
                .contains("FLANNEL_NETWORK=10.244.0.0/16\n")
                .contains("FLANNEL_SUBNET=" + IpPrefix.parse(leaseA.getSubnet()).firstHost() + "/24\n")
                .contains("FLANNEL_MTU=1450\n");
        assertThat(a.dataplane.linkByName("flannel.1"))
                .get()
                .extracting(link -> link.up())
                .isEqualTo(true);
        assertThat(a.routedSubnets()).containsExactly(IpPrefix.parse(leaseB.getSubnet()));
        assertThat(b.routedSubnets()).containsExactly(IpPrefix.parse(leaseA.getSubnet()));
        assertThat(agentA.notReadyReason()).isNull();
    }

    @Test
    void aLeaseDeletedOnTheServerIsAcquiredAgainAndThePeerFollows() throws Exception {
        startBoth();
        Lease lost = agentA.lease().orElseThrow();

        lab.admin.release(LeaseKey.of(lost), "node-a");

        lab.settle(() -> agentA.lease().filter(lease -> !lease.equals(lost)).isPresent()
                && lab.admin.getLeaseByNode("node-a") != null);
        Lease again = lab.admin.getLeaseByNode("node-a");
        lab.settle(
                () -> b.routedSubnets().equals(List.of(IpPrefix.parse(again.getSubnet()))) && subnetEnvNames(a, again));
    }

    @Test
    void whileTheServerIsAwayEveryRouteStaysAndTheLeaseIsRenewedWhenItReturns() throws Exception {
        startBoth();
        List<IpPrefix> routes = a.routedSubnets();
        Instant expiry = expiryOf(lab.admin.getLeaseByNode("node-a"));

        lab.allocator.stop();
        lab.timers.advance(Duration.ofMinutes(3));
        await().during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(5))
                .until(() -> a.routedSubnets().equals(routes) && agentA.lease().isPresent());
        lab.allocator.restart();

        lab.settle(() -> expiryOf(lab.admin.getLeaseByNode("node-a")).isAfter(expiry));
        assertThat(a.routedSubnets()).isEqualTo(routes);
    }

    @Test
    void aNodeStartedBeforeTheConfigWaitsOnItsSchedulerAndStartsOnceItIsSet() throws Exception {
        CompletableFuture<NodeAgent> starting = a.start(lab.allocator, lab.timers, false);
        await().until(() -> lab.timers.pendingDelays().size() == 1);
        lab.timers.advance(Duration.ofSeconds(30));
        await().alias("each retry waits on the agent's scheduler; nothing sleeps")
                .until(() -> lab.timers.pendingDelays().size() == 1);
        assertThat(starting).isNotDone();

        lab.admin.setConfig(AgentLab.VXLAN, false);
        assertThat(starting)
                .as("no retry before the scheduler's clock reaches it")
                .isNotDone();
        agentA = lab.started(starting);

        lab.settle(() -> agentA.notReadyReason() == null);
        assertThat(Files.readString(a.subnetFile)).contains("FLANNEL_NETWORK=10.244.0.0/16");
    }

    @Test
    void aDeletedOverlayDeviceIsRecreatedWithItsRoutes() throws Exception {
        startBoth();
        List<IpPrefix> routes = a.routedSubnets();

        a.dataplane.linkDelete("flannel.1");

        await().untilAsserted(() -> {
            assertThat(a.dataplane.linkByName("flannel.1")).isPresent();
            assertThat(a.routedSubnets()).isEqualTo(routes);
        });
    }

    @Test
    void closingWithReleaseOnExitGivesTheLeaseBack() throws Exception {
        lab.admin.setConfig(AgentLab.VXLAN, false);
        agentA = lab.started(a, true);
        agentB = lab.started(b, false);
        lab.settle(() -> agentA.notReadyReason() == null && agentB.notReadyReason() == null);

        agentA.close();
        agentB.close();

        assertThatThrownBy(() -> lab.admin.getLeaseByNode("node-a"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(lab.admin.getLeaseByNode("node-b").getNodeName())
                .as("kept without --release-on-exit")
                .isEqualTo("node-b");
    }

    private void startBoth() throws Exception {
        lab.admin.setConfig(AgentLab.VXLAN, false);
        agentA = lab.started(a, false);
        agentB = lab.started(b, false);
        lab.settle(() -> agentA.notReadyReason() == null
                && agentB.notReadyReason() == null
                && a.routedSubnets().size() == 1
                && b.routedSubnets().size() == 1);
    }

    private static boolean subnetEnvNames(TestHost host, Lease lease) throws Exception {
        return Files.readString(host.subnetFile)
                .contains("FLANNEL_SUBNET=" + IpPrefix.parse(lease.getSubnet()).firstHost() + "/");
    }

    private static Instant expiryOf(Lease lease) {
        return Instant.ofEpochSecond(
                lease.getExpireTime().getSeconds(), lease.getExpireTime().getNanos());
    }
}
