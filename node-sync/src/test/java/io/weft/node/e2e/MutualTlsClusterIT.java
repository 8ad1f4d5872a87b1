package io.weft.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The allocator with mutual TLS and an admin identity: weft-node authenticates with a
 * certificate naming its node and runs the overlay as without TLS; weftctl works with the admin
 * certificate; a node handed another node's certificate refuses to start.
 */
@Timeout(300)
class MutualTlsClusterIT {

    private static final String VXLAN = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}";

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void nodesWithTheirOwnCertificatesBuildTheOverlayAndAMisnamedOneNeverStarts() throws Exception {
        try (WeftCluster cluster = WeftCluster.withMutualTls(VXLAN)) {
            cluster.addHost(1);
            cluster.addHost(2);
            String pod1 = cluster.addPod(1);
            String pod2 = cluster.addPod(2);
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> VxlanPingIT.allPing(cluster, Map.of(1, pod1, 2, pod2)));
            assertThat(cluster.weftctl("leases"))
                    .as(cluster.logs())
                    .contains("host1")
                    .contains("host2");

            cluster.topology.addHost(3);
            cluster.startNode(3, "host1");
            assertThat(cluster.node(3).awaitExit(Duration.ofSeconds(60)))
                    .as(cluster.logs())
                    .isNotIn(0, -1);
            assertThat(Files.readString(cluster.node(3).log))
                    .contains("names \"host1\" but the node name is \"host3\"")
                    .doesNotContain("\tat ");
            assertThat(cluster.weftctl("leases")).doesNotContain("host3");
        }
    }
}
