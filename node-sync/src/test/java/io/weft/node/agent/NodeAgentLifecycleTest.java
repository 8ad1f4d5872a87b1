package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.Lease;
import io.weft.client.LeaseKey;
import io.weft.client.ManualScheduler;
import io.weft.client.WeftClient;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
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

    private static final String VXLAN = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";

    @TempDir
    Path temp;

    private final ManualScheduler timers = new ManualScheduler(Instant.now());
    private InProcessAllocator allocator;
    private WeftClient admin;
    private TestHost a;
    private TestHost b;
    private NodeAgent agentA;
    private NodeAgent agentB;

    @BeforeEach
    void startAllocator() throws Exception {
        allocator = InProcessAllocator.start(ETCD.endpoints(), timers::now);
        admin = allocator.client();
        a = new TestHost("node-a", 2, temp);
        b = new TestHost("node-b", 3, temp);
    }

    @AfterEach
    void stopEverything() {
        for (NodeAgent agent : new NodeAgent[] {agentA, agentB}) {
            if (agent != null) {
                agent.close();
            }
        }
        admin.close();
        allocator.close();
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

        admin.release(LeaseKey.of(lost), "node-a");

        settle(() -> agentA.lease().filter(lease -> !lease.equals(lost)).isPresent()
                && admin.getLeaseByNode("node-a") != null);
        Lease again = admin.getLeaseByNode("node-a");
        settle(() -> b.routedSubnets().equals(List.of(IpPrefix.parse(again.getSubnet()))) && subnetEnvNames(a, again));
    }

    @Test
    void whileTheServerIsAwayEveryRouteStaysAndTheLeaseIsRenewedWhenItReturns() throws Exception {
        startBoth();
        List<IpPrefix> routes = a.routedSubnets();
        Instant expiry = expiryOf(admin.getLeaseByNode("node-a"));

        allocator.stop();
        timers.advance(Duration.ofMinutes(3));
        await().during(Duration.ofMillis(200))
                .atMost(Duration.ofSeconds(5))
                .until(() -> a.routedSubnets().equals(routes) && agentA.lease().isPresent());
        allocator.restart();

        settle(() -> expiryOf(admin.getLeaseByNode("node-a")).isAfter(expiry));
        assertThat(a.routedSubnets()).isEqualTo(routes);
    }

    @Test
    void aNodeStartedBeforeTheConfigWaitsOnItsSchedulerAndStartsOnceItIsSet() throws Exception {
        CompletableFuture<NodeAgent> starting = a.start(allocator, timers, false);
        await().until(() -> timers.pendingDelays().size() == 1);
        timers.advance(Duration.ofSeconds(30));
        await().alias("each retry waits on the agent's scheduler; nothing sleeps")
                .until(() -> timers.pendingDelays().size() == 1);
        assertThat(starting).isNotDone();

        admin.setConfig(VXLAN, false);
        assertThat(starting)
                .as("no retry before the scheduler's clock reaches it")
                .isNotDone();
        agentA = started(starting);

        settle(() -> agentA.notReadyReason() == null);
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
        admin.setConfig(VXLAN, false);
        agentA = started(a.start(allocator, timers, true));
        agentB = started(b.start(allocator, timers, false));
        settle(() -> agentA.notReadyReason() == null && agentB.notReadyReason() == null);

        agentA.close();
        agentB.close();

        assertThatThrownBy(() -> admin.getLeaseByNode("node-a"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(admin.getLeaseByNode("node-b").getNodeName())
                .as("kept without --release-on-exit")
                .isEqualTo("node-b");
        agentA = null;
        agentB = null;
    }

    private void startBoth() throws Exception {
        admin.setConfig(VXLAN, false);
        agentA = started(a.start(allocator, timers, false));
        agentB = started(b.start(allocator, timers, false));
        settle(() -> agentA.notReadyReason() == null
                && agentB.notReadyReason() == null
                && a.routedSubnets().size() == 1
                && b.routedSubnets().size() == 1);
    }

    /** Waits for a start, running the timers due meanwhile (a config retry, a first acquisition). */
    private NodeAgent started(CompletableFuture<NodeAgent> start) throws Exception {
        settle(start::isDone);
        return start.get();
    }

    /** Runs the timers that are due until {@code done}; a back-off's next retry comes with a clock step. */
    private void settle(Callable<Boolean> done) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            timers.advance(Duration.ofSeconds(1));
            return done.call();
        });
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
