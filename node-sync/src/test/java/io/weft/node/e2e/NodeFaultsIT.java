package io.weft.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weft.etcd.Signal;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Faults seen from the nodes of a running three-host vxlan cluster: garbage written into the
 * allocator's etcd, the allocator frozen for longer than a renewal interval, and a node frozen
 * until its lease really expires. Each compares every host's programmed routes, neighbours and
 * FDB entries, and pings between pods.
 */
@Timeout(600)
class NodeFaultsIT {

    private static final String PREFIX = "/coreos.com/network";
    private static final String FLANNEL_VALUE = "{\"PublicIP\":\"10.99.0.50\",\"PublicIPv6\":null,"
            + "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"c6:d2:32:6f:8f:44\"}}";

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void garbageInEtcdRemovesNoProgrammedPeer() throws Exception {
        try (WeftCluster cluster =
                new WeftCluster("{\"Network\":\"10.249.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}")) {
            Map<Integer, String> pods = BackendsPingIT.startThreeHostsWithPods(cluster);
            BackendsPingIT.awaitFullMesh(cluster, pods);
            Map<Integer, KernelState> before = kernelStates(cluster);
            double serverSkipsBefore = cluster.serverMetric("weft_skipped_keys_total");

            // Unreadable to the server: skipped there, never streamed to nodes.
            Map<String, String> unreadable = Map.of(
                    "/subnets/10.249.200.0-24", "{not json",
                    "/subnets/10.249.201.0-24", FLANNEL_VALUE.replace("10.99.0.50", "10.99.0.300"),
                    "/subnets/10.249.202.0-24", FLANNEL_VALUE.replace("c6:d2:32:6f:8f:44", "zz"),
                    "/subnets/garbage", "x",
                    "/unrelated", "x");
            unreadable.forEach((key, value) -> put(cluster, key, value));
            // Readable leases no node can use as a peer: outside the network, and the wrong length.
            put(cluster, "/subnets/10.99.5.0-24", FLANNEL_VALUE);
            put(cluster, "/subnets/10.249.203.0-25", FLANNEL_VALUE.replace("10.99.0.50", "10.99.0.51"));

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(cluster.serverMetric("weft_skipped_keys_total") - serverSkipsBefore)
                        .isEqualTo(unreadable.size());
                for (int n = 1; n <= 3; n++) {
                    assertThat(cluster.nodeMetric(n, "weft_node_skipped_peers"))
                            .as("host%d", n)
                            .isEqualTo(2);
                    assertThat(cluster.nodeMetric(n, "weft_node_peer_skips_total"))
                            .as("host%d", n)
                            .isEqualTo(2);
                }
            });
            // Two more reconcile passes on every host, then nothing may have changed.
            Map<Integer, Double> reconciles = new HashMap<>();
            for (int n = 1; n <= 3; n++) {
                reconciles.put(n, cluster.nodeMetric(n, "weft_node_reconciles_total"));
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> reconciles.entrySet().stream()
                            .allMatch(e ->
                                    cluster.nodeMetric(e.getKey(), "weft_node_reconciles_total") >= e.getValue() + 2));
            assertThat(kernelStates(cluster)).isEqualTo(before);
            BackendsPingIT.awaitFullMesh(cluster, pods);
            assertThat(Files.readString(cluster.work.resolve("node1.log")))
                    .contains("10.99.5.0/24: IPv4: subnet 10.99.5.0/24 is outside the network 10.249.0.0/16");
        }
    }

    @Test
    void aFrozenAllocatorLeavesEveryEntryAndNodesRenewWhenItReturns() throws Exception {
        // TTL 60 s: keys live 60..66 s. A node renews half-way through the time left at the
        // earliest (here always: the margin is larger), so at most 33 s after a write, and a
        // renewal to a frozen server fails after the client's 10 s deadline: every node has
        // failed once by 43 s after its last write, well before its key could expire.
        try (WeftCluster cluster = WeftCluster.withLeaseTtl(
                "{\"Network\":\"10.250.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}", "60s", "50s")) {
            Map<Integer, String> pods = BackendsPingIT.startThreeHostsWithPods(cluster);
            BackendsPingIT.awaitFullMesh(cluster, pods);
            Map<Integer, KernelState> before = kernelStates(cluster);
            Map<Integer, String> subnets = subnets(cluster);
            double renewalsBefore = cluster.serverMetric("weft_renewals_total");
            Map<Integer, Long> failuresBefore = renewalFailures(cluster);

            cluster.server().signal(Signal.STOP);
            try {
                // Frozen until every node has tried to renew and failed: a renewal interval plus a deadline.
                await().atMost(Duration.ofSeconds(50))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> renewalFailures(cluster).entrySet().stream()
                                .allMatch(e -> e.getValue() > failuresBefore.get(e.getKey())));
                assertThat(kernelStates(cluster))
                        .as("while the allocator is frozen")
                        .isEqualTo(before);
                assertThat(VxlanPingIT.allPing(cluster, pods))
                        .as("pods ping while the allocator is frozen")
                        .isTrue();
            } finally {
                cluster.server().signal(Signal.CONT);
            }

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> cluster.serverMetric("weft_renewals_total") >= renewalsBefore + 3);
            assertThat(subnets(cluster)).isEqualTo(subnets);
            assertThat(kernelStates(cluster)).isEqualTo(before);
            BackendsPingIT.awaitFullMesh(cluster, pods);
        }
    }

    @Test
    void aNodeWhoseLeaseExpiredReacquiresAndReprogramsByItself() throws Exception {
        // TTL 10 s: keys live 11 s without renewal.
        try (WeftCluster cluster = WeftCluster.withLeaseTtl(
                "{\"Network\":\"10.251.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}", "10s", "6s")) {
            Map<Integer, String> pods = BackendsPingIT.startThreeHostsWithPods(cluster);
            BackendsPingIT.awaitFullMesh(cluster, pods);
            String subnet3 = subnets(cluster).get(3);
            String host1 = cluster.topology.host(1);

            cluster.node(3).signal(Signal.STOP);
            try {
                // Its key expires in etcd; the peers drop its route.
                await().atMost(Duration.ofSeconds(40))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> cluster.etcdctl("get", PREFIX + "/subnets/" + subnet3.replace('/', '-'))
                                        .isBlank()
                                && !weftRoutes(host1).contains(subnet3));
            } finally {
                cluster.node(3).signal(Signal.CONT);
            }

            await().atMost(Duration.ofSeconds(40)).until(() -> weftRoutes(host1).contains(subnet3));
            assertThat(cluster.weftctl("lease", "get", "--node", "host3")).contains(subnet3);
            assertThat(Files.readString(cluster.work.resolve("node3.log"))).contains("lease request failed (NOT_FOUND");
            BackendsPingIT.awaitFullMesh(cluster, pods);
        }
    }

    /** What weft programmed on one host: its routes, and the neighbours and FDB entries of flannel.1. */
    record KernelState(String routes, String neighbours, String fdb) {}

    private static Map<Integer, KernelState> kernelStates(WeftCluster cluster) {
        Map<Integer, KernelState> states = new HashMap<>();
        for (int n = 1; n <= 3; n++) {
            String host = cluster.topology.host(n);
            states.put(
                    n,
                    new KernelState(
                            weftRoutes(host),
                            sorted(Shell.inNetns(host, "ip", "neigh", "show", "dev", "flannel.1", "nud", "permanent")),
                            sorted(Shell.inNetns(host, "bridge", "fdb", "show", "dev", "flannel.1"))));
            assertThat(states.get(n).routes()).as("host%d routes", n).contains(" dev flannel.1 ");
            assertThat(states.get(n).neighbours()).as("host%d neighbours", n).contains(" lladdr ");
            assertThat(states.get(n).fdb()).as("host%d fdb", n).contains(" dst " + Topology.hostIp(n % 3 + 1) + " ");
        }
        return states;
    }

    static String weftRoutes(String netns) {
        return sorted(Shell.inNetns(netns, "ip", "route", "show", "proto", "0x77"));
    }

    private static String sorted(String lines) {
        return String.join("\n", lines.lines().map(String::strip).sorted().toList());
    }

    static Map<Integer, String> subnets(WeftCluster cluster) {
        Map<Integer, String> subnets = new HashMap<>();
        for (int n = 1; n <= 3; n++) {
            subnets.put(n, cluster.awaitSubnetEnv(n).get("FLANNEL_SUBNET").replaceFirst("\\.1/", ".0/"));
        }
        return subnets;
    }

    /** How many failed lease requests each node has logged. */
    private static Map<Integer, Long> renewalFailures(WeftCluster cluster) throws IOException {
        Map<Integer, Long> failures = new HashMap<>();
        for (int n = 1; n <= 3; n++) {
            failures.put(
                    n,
                    Files.readAllLines(cluster.work.resolve("node" + n + ".log")).stream()
                            .filter(line -> line.contains("lease request failed"))
                            .count());
        }
        return failures;
    }

    private static void put(WeftCluster cluster, String key, String value) {
        try {
            cluster.etcdctl("put", PREFIX + key, value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
