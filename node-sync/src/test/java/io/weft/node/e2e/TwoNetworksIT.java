package io.weft.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two networks over the same three hosts: each host runs two weft-node instances, one per
 * network, each with its own allocator, VNI (so its own device, flannel.1 and flannel.2), subnet
 * file and HTTP port. Each network's pods reach each other, and neither instance touches the
 * other's routes: once both are synced, further reconciles of both change nothing.
 */
@Timeout(300)
class TwoNetworksIT {

    private static final int SECOND_GRPC = 7080;
    private static final int SECOND_SERVER_HTTP = 7081;
    private static final int SECOND_NODE_HTTP = 7082;
    private static final int FIRST_NODE_HTTP = 7072;

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void eachNetworksPodsReachEachOtherAndTheInstancesLeaveEachOtherAlone() throws Exception {
        try (WeftCluster cluster =
                        new WeftCluster("{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}");
                SecondNetwork second = new SecondNetwork(cluster)) {
            for (int n = 1; n <= 3; n++) {
                cluster.addHost(n);
                second.startNode(n);
            }
            Map<Integer, String> firstPods = new HashMap<>();
            Map<Integer, String> secondPods = new HashMap<>();
            for (int n = 1; n <= 3; n++) {
                firstPods.put(n, cluster.addPod(n));
                secondPods.put(n, second.addPod(n));
            }
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> allPing(cluster, cluster.topology::pod, firstPods)
                            && allPing(cluster, cluster.topology::secondPod, secondPods));
            for (int n = 1; n <= 3; n++) {
                String devices = Shell.inNetns(cluster.topology.host(n), "ip", "-d", "link", "show", "type", "vxlan");
                assertThat(devices)
                        .contains("flannel.1")
                        .contains("vxlan id 1")
                        .contains("flannel.2")
                        .contains("vxlan id 2");
                assertThat(Files.readString(second.subnetFile(n))).contains("FLANNEL_NETWORK=10.245.0.0/16");
            }

            // Both instances reconcile twice more on every host: neither may change the kernel.
            Map<Integer, String> routes = new HashMap<>();
            Map<String, Long> updates = kernelUpdates(cluster, second);
            Map<String, Double> reconciles = reconciles(cluster);
            for (int n = 1; n <= 3; n++) {
                routes.put(n, weftRoutes(cluster, n));
            }
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> reconciles(cluster).entrySet().stream()
                            .allMatch(e -> e.getValue() >= reconciles.get(e.getKey()) + 2));
            assertThat(kernelUpdates(cluster, second))
                    .as("kernel updates logged by each instance\n%s", cluster.logs())
                    .isEqualTo(updates);
            for (int n = 1; n <= 3; n++) {
                assertThat(weftRoutes(cluster, n)).as("host%d routes", n).isEqualTo(routes.get(n));
                assertThat(routes.get(n)).contains("dev flannel.1").contains("dev flannel.2");
            }
            assertThat(allPing(cluster, cluster.topology::pod, firstPods)).isTrue();
            assertThat(allPing(cluster, cluster.topology::secondPod, secondPods))
                    .isTrue();
        }
    }

    private static boolean allPing(
            WeftCluster cluster, java.util.function.IntFunction<String> podNs, Map<Integer, String> pods) {
        IntPredicate reachesAll = from -> pods.entrySet().stream()
                .filter(e -> e.getKey() != from)
                .allMatch(e -> cluster.topology.ping(podNs.apply(from), e.getValue()));
        return pods.keySet().stream().allMatch(reachesAll::test);
    }

    private static String weftRoutes(WeftCluster cluster, int n) {
        return Shell.inNetns(cluster.topology.host(n), "ip", "route", "show", "proto", "0x77");
    }

    /** weft_node_reconciles of both instances on every host, keyed "host/port". */
    private static Map<String, Double> reconciles(WeftCluster cluster) {
        Map<String, Double> counts = new HashMap<>();
        for (int n = 1; n <= 3; n++) {
            for (int port : List.of(FIRST_NODE_HTTP, SECOND_NODE_HTTP)) {
                counts.put(
                        n + "/" + port,
                        WeftCluster.metric(cluster.topology.host(n), port, "weft_node_reconciles_total"));
            }
        }
        return counts;
    }

    /** How many "kernel updated" lines each node log holds. */
    private static Map<String, Long> kernelUpdates(WeftCluster cluster, SecondNetwork second) throws IOException {
        Map<String, Long> counts = new HashMap<>();
        for (int n = 1; n <= 3; n++) {
            counts.put("first/" + n, count(cluster.node(n).log));
            counts.put("second/" + n, count(second.node(n).log));
        }
        return counts;
    }

    private static long count(Path log) throws IOException {
        return Files.readAllLines(log).stream()
                .filter(l -> l.contains("kernel updated"))
                .count();
    }

    /** A second allocator (its own local etcd) in the control namespace, and a second weft-node per host. */
    private static final class SecondNetwork implements AutoCloseable {

        private final WeftCluster cluster;
        private final WeftProcess server;
        private final Map<Integer, WeftProcess> nodes = new HashMap<>();

        SecondNetwork(WeftCluster cluster) throws IOException {
            this.cluster = cluster;
            String ctl = cluster.topology.controlNs;
            server = WeftProcess.start(
                    ctl,
                    cluster.work.resolve("allocator2.log"),
                    "weft-allocator",
                    "--listen",
                    Topology.CONTROL_IP + ":" + SECOND_GRPC,
                    "--http-listen",
                    "127.0.0.1:" + SECOND_SERVER_HTTP,
                    "--data-dir",
                    cluster.work.resolve("allocator2").toString());
            server.awaitReady(Duration.ofSeconds(60), () -> WeftCluster.readyz(ctl, SECOND_SERVER_HTTP));
            Path conf = cluster.work.resolve("net-conf-2.json");
            Files.writeString(conf, "{\"Network\":\"10.245.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":2}}");
            Shell.inNetns(
                    ctl,
                    WeftProcess.REPO.resolve("bin/weftctl").toString(),
                    "--server",
                    Topology.CONTROL_IP + ":" + SECOND_GRPC,
                    "config",
                    "set",
                    conf.toString());
        }

        Path subnetFile(int n) {
            return cluster.work.resolve("host" + n).resolve("net2").resolve("subnet.env");
        }

        void startNode(int n) throws IOException {
            List<String> args = new ArrayList<>(List.of(
                    "--server",
                    Topology.CONTROL_IP + ":" + SECOND_GRPC,
                    "--node-name",
                    "host" + n,
                    "--iface",
                    "eth0",
                    "--subnet-file",
                    subnetFile(n).toString(),
                    "--http-listen",
                    "127.0.0.1:" + SECOND_NODE_HTTP,
                    "--reconcile-interval",
                    "2s"));
            nodes.put(
                    n,
                    WeftProcess.start(
                            cluster.topology.host(n),
                            cluster.work.resolve("node" + n + "-net2.log"),
                            "weft-node",
                            args.toArray(String[]::new)));
        }

        WeftProcess node(int n) {
            return nodes.get(n);
        }

        /** Host n's pod on this network, on bridge cni1, addressed from this network's subnet.env. */
        String addPod(int n) throws IOException {
            await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> Files.exists(subnetFile(n)));
            String gateway = Files.readAllLines(subnetFile(n)).stream()
                    .filter(l -> l.startsWith("FLANNEL_SUBNET="))
                    .findFirst()
                    .orElseThrow()
                    .substring("FLANNEL_SUBNET=".length());
            String pod = WeftCluster.next(gateway);
            cluster.topology.addPod(n, cluster.topology.secondPod(n), "cni1", gateway, pod, null, null);
            return pod.substring(0, pod.indexOf('/'));
        }

        @Override
        public void close() {
            nodes.values().forEach(WeftProcess::close);
            server.close();
        }
    }
}
