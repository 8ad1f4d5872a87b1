package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node needs its own lease first; the peers can follow. Against a real allocator whose watch
 * streams send nothing until the test lets them (a huge network's snapshot, still on its way),
 * the node holds its lease, writes subnet.env and renews, and reports not ready until the peers
 * arrive and are programmed. No timing: the snapshot is held back, not slow.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NodeAgentHeldSnapshotTest {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @TempDir
    Path temp;

    private final HeldWatches watches = new HeldWatches();
    private AgentLab lab;
    private NodeAgent agentA;
    private NodeAgent agentB;

    @BeforeEach
    void startAllocator() throws Exception {
        lab = AgentLab.start(ETCD.endpoints(), List.of(watches), AgentLab.Settling.BY_SECONDS);
        lab.admin.setConfig(AgentLab.VXLAN, false);
    }

    @AfterEach
    void stopEverything() {
        watches.release();
        lab.close();
    }

    @Test
    void subnetEnvIsWrittenAndTheLeaseRenewedWhileThePeerSnapshotIsHeldBack() throws Exception {
        TestHost a = new TestHost("node-a", 2, temp);
        TestHost b = new TestHost("node-b", 3, temp);
        agentB = lab.started(b, false);
        agentA = lab.started(a, false);

        lab.settle(() -> agentA.lease().isPresent() && Files.exists(a.subnetFile));
        Lease held = agentA.lease().orElseThrow();
        assertThat(Files.readString(a.subnetFile))
                .contains("FLANNEL_SUBNET=" + IpPrefix.parse(held.getSubnet()).firstHost() + "/24\n");
        lab.settle(() -> watches.heldMessages() > 0); // the watch opens once subnet.env is written
        assertThat(a.routedSubnets()).isEmpty();
        assertThat(agentA.notReadyReason()).isEqualTo("first sync of peers not applied");

        Instant expiry = expiryOf(lab.admin.getLeaseByNode("node-a"));
        lab.timers.advance(Duration.ofHours(13)); // a keeper renews half-way through the 24 h TTL at the latest
        lab.settle(() -> expiryOf(lab.admin.getLeaseByNode("node-a")).isAfter(expiry));
        assertThat(agentA.notReadyReason()).as("still no peers").isEqualTo("first sync of peers not applied");

        watches.release();

        Lease peer = lab.admin.getLeaseByNode("node-b");
        lab.settle(() ->
                agentA.notReadyReason() == null && a.routedSubnets().equals(List.of(IpPrefix.parse(peer.getSubnet()))));
    }

    private static Instant expiryOf(Lease lease) {
        return Instant.ofEpochSecond(
                lease.getExpireTime().getSeconds(), lease.getExpireTime().getNanos());
    }
}
