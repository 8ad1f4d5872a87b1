package io.weft.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Three hosts on one switch, vxlan backend: every pod reaches every other pod. */
@Timeout(300)
class VxlanPingIT {

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void everyPodPingsEveryOtherPod() throws Exception {
        Instant start = Instant.now();
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
                    .until(() -> allPing(cluster, pods));
            System.out.printf(
                    "vxlan 3 hosts: first full mesh of pings %d ms after start%n",
                    Duration.between(start, Instant.now()).toMillis());
            for (int from = 1; from <= 3; from++) {
                for (int to = 1; to <= 3; to++) {
                    if (from != to) {
                        assertThat(cluster.topology.ping(cluster.topology.pod(from), pods.get(to)))
                                .as("pod%d -> pod%d (%s)\n%s", from, to, pods.get(to), cluster.logs())
                                .isTrue();
                    }
                }
            }
            assertThat(Shell.inNetns(cluster.topology.host(1), "ip", "-d", "link", "show", "flannel.1"))
                    .contains("vxlan id 1")
                    .contains("dstport 8472")
                    .contains("nolearning");
        }
    }

    static boolean allPing(WeftCluster cluster, Map<Integer, String> pods) {
        for (int from : pods.keySet()) {
            for (int to : pods.keySet()) {
                if (from != to && !cluster.topology.ping(cluster.topology.pod(from), pods.get(to))) {
                    return false;
                }
            }
        }
        return true;
    }
}
