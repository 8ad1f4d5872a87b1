package io.weft.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * --ip-masq and the forward rules on hosts in namespaces. The control namespace stands for the
 * world outside the cluster: it has no route back to pod subnets, so a pod reaches it only when
 * its host masquerades.
 */
@Timeout(300)
class MasqueradeIT {

    private static final String NET_CONF = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"VNI\":1}}";
    /** What a firewall that drops forwarding by default looks like: nft's own and iptables-nft's. */
    private static final String DROP_FORWARDING = """
            table inet filter {
            \tchain forward {
            \t\ttype filter hook forward priority filter; policy drop;
            \t}
            }
            table ip filter {
            \tchain FORWARD {
            \t\ttype filter hook forward priority filter; policy drop;
            \t}
            }
            """;

    @BeforeAll
    static void needsRootAndNft() {
        RootRequired.check();
        assumeTrue(Shell.tryRun("nft", "--version").exitCode() == 0, "needs nft (nftables)");
    }

    @Test
    void onlyAMasqueradingHostsPodReachesOutsideAndPodsStillSeeEachOthersAddresses() throws Exception {
        try (WeftCluster cluster = new WeftCluster(NET_CONF)) {
            cluster.nodeEnvironment.put("WEFT_NODE_IP_MASQ", "true");
            cluster.nodeEnvironment.put("FLANNELD_IP_BLACKHOLE_ROUTE", "true");
            cluster.addHost(1);
            cluster.nodeEnvironment.clear();
            cluster.addHost(2);
            String pod1 = cluster.addPod(1);
            String pod2 = cluster.addPod(2);
            Topology net = cluster.topology;
            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> net.ping(net.pod(1), pod2) && net.ping(net.pod(2), pod1));

            assertThat(cluster.awaitSubnetEnv(1)).containsEntry("FLANNEL_IPMASQ", "true");
            String subnet1 = subnetOf(cluster.awaitSubnetEnv(1).get("FLANNEL_SUBNET"));
            assertThat(Shell.inNetns(net.host(1), "ip", "route", "show", "type", "blackhole"))
                    .as("--ip-blackhole-route, behind the pods' bridge route (pods still answer)")
                    .contains("blackhole " + subnet1 + " proto 119 metric 65000");
            assertThat(Shell.inNetns(net.host(2), "ip", "route", "show", "type", "blackhole"))
                    .isEmpty();
            assertThat(cluster.awaitSubnetEnv(2)).containsEntry("FLANNEL_IPMASQ", "false");
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(net.ping(net.pod(1), Topology.CONTROL_IP))
                            .as("pod1 (host1 masquerades) -> outside\n%s", cluster.logs())
                            .isTrue());
            assertThat(net.ping(net.pod(2), Topology.CONTROL_IP))
                    .as("pod2 (host2 does not masquerade) -> outside")
                    .isFalse();

            // Pod to pod keeps the pod's address: pod2 counts echo requests whose source is pod1 itself.
            Shell.inNetns(
                    net.pod(2),
                    "nft",
                    "add table ip probe; add chain ip probe in { type filter hook input priority 0; };"
                            + " add rule ip probe in ip saddr " + pod1 + " icmp type echo-request counter");
            assertThat(net.ping(net.pod(1), pod2)).isTrue();
            assertThat(Shell.inNetns(net.pod(2), "nft", "list", "table", "ip", "probe"))
                    .as("the echo request arrived from pod1's own address")
                    .containsPattern("counter packets [1-9]");

            // Someone flushes every rule on host1: the next reconcile (every 2 s here) puts weft's back.
            Shell.inNetns(net.host(1), "nft", "flush", "ruleset");
            Shell.inNetns(net.host(1), "ip", "route", "del", "blackhole", subnet1, "metric", "65000");
            // (Not asserting that pod1 is cut off meanwhile: the next reconcile may already have run.)
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> net.ping(net.pod(1), Topology.CONTROL_IP));
            assertThat(Shell.inNetns(net.host(1), "nft", "list", "table", "inet", "weft"))
                    .contains("masquerade fully-random");
            assertThat(Files.readString(cluster.work.resolve("node1.log")))
                    .contains("nftables: restored table inet weft");
            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(
                            () -> assertThat(Shell.inNetns(net.host(1), "ip", "route", "show", "type", "blackhole"))
                                    .contains("blackhole " + subnet1));
        }
    }

    /** 10.244.5.1/24 -> 10.244.5.0/24. */
    private static String subnetOf(String firstHostWithLength) {
        String address = firstHostWithLength.substring(0, firstHostWithLength.indexOf('/'));
        return address.substring(0, address.lastIndexOf('.')) + ".0" + firstHostWithLength.substring(address.length());
    }

    @Test
    void withForwardingDroppedByPolicyPodsStillReachEachOtherThroughWeftsAccepts() throws Exception {
        try (WeftCluster cluster = new WeftCluster(NET_CONF, "--release-on-exit")) {
            cluster.addHost(1);
            cluster.addHost(2);
            cluster.nodeEnvironment.put("WEFT_NODE_IPTABLES_FORWARD_RULES", "false");
            cluster.addHost(3);
            String pod1 = cluster.addPod(1);
            String pod2 = cluster.addPod(2);
            cluster.addPod(3);
            Topology net = cluster.topology;
            Path firewall = Files.writeString(cluster.work.resolve("firewall.nft"), DROP_FORWARDING);
            for (int n = 1; n <= 3; n++) {
                Shell.inNetns(net.host(n), "nft", "-f", firewall.toString());
            }

            await().atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> assertThat(net.ping(net.pod(1), pod2) && net.ping(net.pod(2), pod1))
                            .as("pods on hosts with forward rules\n%s", cluster.logs())
                            .isTrue());
            assertThat(net.ping(net.pod(3), pod1))
                    .as("host3 runs with --iptables-forward-rules=false: its drop policy holds")
                    .isFalse();
            assertThat(Shell.inNetns(net.host(1), "nft", "list", "chain", "ip", "filter", "FORWARD"))
                    .contains("ip saddr 10.244.0.0/16 accept comment \"weft-forward\"");

            cluster.stopNode(1);
            assertThat(Shell.inNetns(net.host(1), "nft", "list", "ruleset"))
                    .as("--release-on-exit takes weft's table and accepts away, the firewall stays")
                    .isEqualTo(DROP_FORWARDING);
        }
    }
}
