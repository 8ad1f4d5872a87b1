package io.weft.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Three vxlan hosts running while the operator widens the network and sets Backend.MTU: every
 * node follows without restarting (same process), the device changes its MTU in place (same
 * interface index), subnet.env follows, and the pods keep reaching each other.
 */
@Timeout(300)
class LiveConfigIT {

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void aWiderNetworkAndANewMtuAreFollowedWithoutARestart() throws Exception {
        try (WeftCluster cluster =
                new WeftCluster("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}")) {
            Map<Integer, String> pods = new HashMap<>();
            for (int n = 1; n <= 3; n++) {
                cluster.addHost(n);
            }
            for (int n = 1; n <= 3; n++) {
                pods.put(n, cluster.addPod(n));
            }
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> VxlanPingIT.allPing(cluster, pods));
            Map<Integer, Long> pids = new HashMap<>();
            Map<Integer, String> indexes = new HashMap<>();
            for (int n = 1; n <= 3; n++) {
                pids.put(n, cluster.node(n).pid());
                indexes.put(n, linkIndex(cluster, n));
                assertThat(cluster.awaitSubnetEnv(n)).containsEntry("FLANNEL_MTU", "1450");
            }

            Path wider = cluster.work.resolve("wider.json");
            Files.writeString(
                    wider,
                    "{\"Network\":\"10.240.0.0/12\",\"SubnetLen\":24,"
                            + "\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1,\"MTU\":1400}}");
            cluster.weftctl("config", "set", wider.toString());

            for (int n = 1; n <= 3; n++) {
                int host = n;
                await().atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> "10.240.0.0/12"
                                        .equals(cluster.awaitSubnetEnv(host).get("FLANNEL_NETWORK"))
                                && "1400".equals(cluster.awaitSubnetEnv(host).get("FLANNEL_MTU")));
                String link = Shell.inNetns(cluster.topology.host(n), "ip", "-o", "link", "show", "flannel.1");
                assertThat(link).as("host%d flannel.1", n).contains(" mtu 1400 ");
                assertThat(linkIndex(cluster, n))
                        .as("host%d flannel.1 changed in place, not re-created", n)
                        .isEqualTo(indexes.get(n));
                assertThat(cluster.node(n).isAlive()).isTrue();
                assertThat(cluster.node(n).pid())
                        .as("host%d weft-node not restarted", n)
                        .isEqualTo(pids.get(n));
                assertThat(Files.readString(cluster.node(n).log))
                        .contains("config changed: Network 10.244.0.0/16 -> 10.240.0.0/12")
                        .contains("Backend.MTU (from the interface) -> 1400")
                        .contains("flannel.1 MTU 1450 -> 1400")
                        .contains("subnet.env rewritten");
            }
            for (int from = 1; from <= 3; from++) {
                for (int to = 1; to <= 3; to++) {
                    if (from != to) {
                        assertThat(cluster.topology.ping(cluster.topology.pod(from), pods.get(to)))
                                .as("after the change: pod%d -> pod%d (%s)\n%s", from, to, pods.get(to), cluster.logs())
                                .isTrue();
                    }
                }
            }
        }
    }

    /** flannel.1's interface index on host n: a re-created device gets a new one. */
    private static String linkIndex(WeftCluster cluster, int n) {
        String line = Shell.inNetns(cluster.topology.host(n), "ip", "-o", "link", "show", "flannel.1");
        return line.substring(0, line.indexOf(':'));
    }
}
