package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.StatusRuntimeException;
import io.weft.api.v1.Lease;
import io.weft.client.ManualScheduler;
import io.weft.client.WeftClient;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.LinkInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.NoSuchElementException;
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
 * Running agents following config changes that cannot be done in place, against the real
 * allocator (in-process gRPC over a real etcd) with memory kernels and one manual clock: the
 * reconcile tick (every minute here) reads the new config.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeAgentConfigTest {

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
    void startBoth() throws Exception {
        allocator = InProcessAllocator.start(ETCD.endpoints(), timers::now);
        admin = allocator.client();
        a = new TestHost("node-a", 2, temp);
        b = new TestHost("node-b", 3, temp);
        admin.setConfig(VXLAN, false);
        agentA = started(a.start(allocator, timers, false));
        agentB = started(b.start(allocator, timers, false));
        settle(() -> agentA.notReadyReason() == null
                && agentB.notReadyReason() == null
                && a.routedSubnets().size() == 1
                && b.routedSubnets().size() == 1);
    }

    @AfterEach
    void stopEverything() {
        agentA.close();
        agentB.close();
        admin.close();
        allocator.close();
    }

    @Test
    void aNewVniRebuildsTheBackendInTheSameAgentAndThePeersFollow() {
        Lease before = agentA.lease().orElseThrow();

        admin.setConfig("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":2}}", false);

        settle(() -> admin.getLeaseByNode("node-a").getVxlan().getVni() == 2
                && admin.getLeaseByNode("node-b").getVxlan().getVni() == 2
                && a.dataplane.linkByName("flannel.2").map(LinkInfo::up).orElse(false)
                && a.dataplane.linkByName("flannel.1").isEmpty()
                && b.dataplane.routeList(IpFamily.IPV4).stream()
                        .map(KernelRoute::device)
                        .toList()
                        .equals(java.util.List.of("flannel.2")));
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

        admin.setConfig(narrower, true);

        settle(() -> inRange(agentA.lease().orElseThrow(), min)
                && inRange(agentB.lease().orElseThrow(), min));
        Lease now = agentA.lease().orElseThrow();
        settle(() -> Files.readString(a.subnetFile)
                .contains("FLANNEL_SUBNET=" + IpPrefix.parse(now.getSubnet()).firstHost() + "/24"));
        settle(() -> b.routedSubnets().equals(java.util.List.of(IpPrefix.parse(now.getSubnet()))));
    }

    private static boolean inRange(Lease lease, String min) {
        int third = Integer.parseInt(lease.getSubnet().split("\\.")[2]);
        return third >= Integer.parseInt(min.split("\\.")[2]);
    }

    private NodeAgent started(CompletableFuture<NodeAgent> start) throws Exception {
        settle(start::isDone);
        return start.get();
    }

    /** Runs the timers that are due until {@code done}; the reconcile tick comes every minute of the clock. */
    /**
     * Waits for done while the fake clock moves on. A rebuild or a re-acquisition leaves a moment
     * with no lease (NOT_FOUND from the server, an empty lease in the agent): polled then, done is
     * simply not true yet.
     */
    private void settle(Callable<Boolean> done) {
        await().atMost(Duration.ofSeconds(40))
                .ignoreExceptionsMatching(
                        e -> e instanceof StatusRuntimeException || e instanceof NoSuchElementException)
                .until(() -> {
                    timers.advance(Duration.ofSeconds(5));
                    return done.call();
                });
    }
}
