package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.api.v1.Lease;
import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.node.backend.ExternalLink;
import io.weft.node.backend.HostFacts;
import io.weft.node.backend.HostGwBackend;
import io.weft.node.backend.NodeHost;
import io.weft.node.backend.SkippedPeer;
import io.weft.node.dataplane.MemoryDataplane;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The programmer's answer to skipped peers (counted, one summary line) and to getting its own subnet back. */
@Timeout(30)
class PeerProgrammerTest {

    private static final IpAddress SELF_IP = IpAddress.parse("192.168.77.2");
    private static final Lease OWN = Lease.newBuilder()
            .setNodeName("node-a")
            .setSubnet("10.244.1.0/24")
            .setPublicIp(SELF_IP.toString())
            .setBackendType("host-gw")
            .build();

    @TempDir
    Path temp;

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private PeerProgrammer programmer(HostFacts facts) throws Exception {
        NetworkConfig network = NetworkConfig.parse("{\"Network\":\"10.0.0.0/8\",\"Backend\":{\"Type\":\"host-gw\"}}");
        ExternalLink eth0 = new ExternalLink("eth0", 1500, Set.of(SELF_IP), Set.of(IpPrefix.parse("192.168.77.0/24")));
        NodeHost host = NodeHost.of("node-a", network, eth0, SELF_IP, null);
        NodeReadiness readiness = new NodeReadiness();
        return new PeerProgrammer(
                host,
                new HostGwBackend(),
                new MemoryDataplane(),
                new SubnetFile(temp.resolve("subnet.env")),
                () -> facts,
                readiness,
                new NodeMetrics(registry, readiness::ready));
    }

    @Test
    void peersThatWouldHijackTheHostAreSkippedAndCounted() throws Exception {
        HostFacts facts = new HostFacts(
                Set.of(SELF_IP, IpAddress.parse("10.99.0.1")),
                Set.of(IpPrefix.parse("192.168.77.0/24"), IpPrefix.parse("10.99.0.0/24")),
                Set.of());
        PeerProgrammer programmer = programmer(facts);
        programmer.leaseAcquired(OWN);
        Map<String, Lease> view = new HashMap<>(Map.of(OWN.getSubnet(), OWN));
        for (int n = 0; n < 3; n++) {
            Lease lan = Lease.newBuilder()
                    .setNodeName("intruder-" + n)
                    .setSubnet("10.99." + n + ".0/24")
                    .setPublicIp("192.168.77." + (50 + n))
                    .setBackendType("host-gw")
                    .build();
            view.put(lan.getSubnet(), lan);
        }

        programmer.peersChanged(view);
        programmer.peersChanged(view);

        assertThat(registry.get("weft_node_skipped_peers").gauge().value()).isEqualTo(1.0);
        assertThat(registry.get("weft_node_peer_skips").counter().count())
                .as("counted once, not per pass")
                .isEqualTo(1.0);
    }

    @Test
    void thirtyThousandSkippedPeersMakeOneLineWithCountsByKindAndThreeExamples() {
        Set<SkippedPeer> skipped = new HashSet<>();
        for (int n = 0; n < 30_000; n++) {
            skipped.add(new SkippedPeer(
                    "node-" + n,
                    n % 3 == 0 ? "overlaps this host's addresses" : "unusable lease",
                    "IPv4: reason " + n));
        }

        String line = SkipReport.summary(skipped, 30_000);

        assertThat(line)
                .doesNotContain("\n")
                .startsWith("skipping 30000 peers (30000 new): "
                        + "10000 overlaps this host's addresses, 20000 unusable lease; e.g. node-0: IPv4: reason 0; ");
        assertThat(line.split("node-")).hasSize(4);
    }

    @Test
    void gettingTheSameSubnetBackRewritesNothing() throws Exception {
        PeerProgrammer programmer = programmer(HostFacts.none());
        programmer.leaseAcquired(OWN);
        Path subnetEnv = temp.resolve("subnet.env");
        assertThat(subnetEnv).exists();
        Files.writeString(subnetEnv, "left alone\n");

        programmer.leaseAcquired(OWN.toBuilder().setPublicIp(SELF_IP.toString()).build());

        assertThat(Files.readString(subnetEnv)).isEqualTo("left alone\n");
    }
}
