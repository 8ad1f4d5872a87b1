package io.weft.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * etcd loses every byte under three running vxlan hosts and comes back empty (revisions start
 * again at 1); the operator sets the same config again. Every host must hold its old subnet again
 * within 10 s, without rewriting subnet.env, and no host may remove its peers' routes meanwhile.
 */
@Timeout(300)
class LostEtcdIT {

    private static final String SUBNETS = "/coreos.com/network/subnets/";

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void wipingEtcdLosesNoSubnetAndNoRoute() throws Exception {
        try (WeftCluster cluster =
                WeftCluster.withWipeableEtcd("{\"Network\":\"10.252.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}")) {
            Map<Integer, String> pods = BackendsPingIT.startThreeHostsWithPods(cluster);
            BackendsPingIT.awaitFullMesh(cluster, pods);
            Before before = Before.of(cluster);
            try {
                wipeAndCheck(cluster, pods, before);
            } catch (AssertionError | ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "\n" + cluster.logs(), e);
            }
        }
    }

    /** What the hosts held before the wipe. */
    private record Before(Map<Integer, String> subnets, Map<Integer, String> routes, Map<Integer, String> subnetEnvs) {
        static Before of(WeftCluster cluster) throws Exception {
            Map<Integer, String> subnetEnvs = new HashMap<>();
            for (int n = 1; n <= 3; n++) {
                subnetEnvs.put(n, Files.readString(cluster.subnetFile(n)));
            }
            return new Before(NodeFaultsIT.subnets(cluster), LostEtcdIT.routes(cluster), subnetEnvs);
        }
    }

    private static void wipeAndCheck(WeftCluster cluster, Map<Integer, String> pods, Before before) throws Exception {
        cluster.wipeEtcd();
        assertThat(cluster.etcdctl("get", "--prefix", "/coreos.com")).isBlank();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> allLogsContain(cluster, "watch reset: now 0 leases"));
        // One more reconcile pass on every host after the reset, then the routes are compared.
        Map<Integer, Double> reconciles = new HashMap<>();
        for (int n = 1; n <= 3; n++) {
            reconciles.put(n, cluster.nodeMetric(n, "weft_node_reconciles_total"));
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> reconciles.entrySet().stream()
                        .allMatch(e -> cluster.nodeMetric(e.getKey(), "weft_node_reconciles_total") > e.getValue()));
        assertThat(routes(cluster)).as("routes while etcd is empty").isEqualTo(before.routes());
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> {
                    cluster.weftctl(
                            "config",
                            "set",
                            cluster.work.resolve("net-conf.json").toString());
                    return true;
                });

        // Read straight from etcd: each host's old subnet key, holding that host's name.
        await().atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (int n = 1; n <= 3; n++) {
                        assertThat(cluster.etcdctl(
                                        "get",
                                        "--print-value-only",
                                        SUBNETS + before.subnets().get(n).replace('/', '-')))
                                .as(
                                        "host%d's subnet %s in etcd",
                                        n, before.subnets().get(n))
                                .contains("host" + n);
                    }
                });
        assertThat(routes(cluster)).as("no host removed its peers' routes").isEqualTo(before.routes());
        assertThat(VxlanPingIT.allPing(cluster, pods))
                .as("pods ping after the wipe")
                .isTrue();
        for (int n = 1; n <= 3; n++) {
            assertThat(Files.readString(cluster.subnetFile(n)))
                    .as("host%d subnet.env", n)
                    .isEqualTo(before.subnetEnvs().get(n));
            assertThat(Files.readString(cluster.work.resolve("node" + n + ".log")))
                    .as("host%d log", n)
                    .contains("etcd lost its data, not the peers")
                    .contains("lease held again, unchanged");
        }
    }

    private static boolean allLogsContain(WeftCluster cluster, String text) throws java.io.IOException {
        for (int n = 1; n <= 3; n++) {
            if (!Files.readString(cluster.work.resolve("node" + n + ".log")).contains(text)) {
                return false;
            }
        }
        return true;
    }

    private static Map<Integer, String> routes(WeftCluster cluster) {
        Map<Integer, String> routes = new HashMap<>();
        for (int n = 1; n <= 3; n++) {
            routes.put(n, NodeFaultsIT.weftRoutes(cluster.topology.host(n)));
            assertThat(routes.get(n)).as("host%d routes", n).contains(" dev flannel.1 ");
        }
        return routes;
    }
}
