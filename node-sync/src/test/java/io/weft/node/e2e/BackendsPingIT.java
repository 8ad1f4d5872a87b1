package io.weft.node.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** host-gw, vxlan with DirectRouting, and dual-stack vxlan: pods on three hosts reach each other. */
@Timeout(600)
class BackendsPingIT {

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void hostGwRoutesViaThePeersPublicIps() throws Exception {
        try (WeftCluster cluster =
                new WeftCluster("{\"Network\":\"10.245.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}")) {
            Map<Integer, String> pods = startThreeHostsWithPods(cluster);
            awaitFullMesh(cluster, pods);
            String routes = Shell.inNetns(cluster.topology.host(1), "ip", "route", "show", "proto", "0x77");
            assertThat(routes)
                    .contains("via " + Topology.hostIp(2) + " dev eth0")
                    .contains("via " + Topology.hostIp(3) + " dev eth0");
            assertThat(Shell.tryInNetns(cluster.topology.host(1), "ip", "link", "show", "flannel.1")
                            .exitCode())
                    .as("host-gw creates no vxlan device")
                    .isNotZero();
        }
    }

    @Test
    void directRoutingUsesPlainRoutesOnOneL2Network() throws Exception {
        try (WeftCluster cluster = new WeftCluster(
                "{\"Network\":\"10.246.0.0/16\",\"Backend\":{\"Type\":\"vxlan\",\"DirectRouting\":true}}")) {
            Map<Integer, String> pods = startThreeHostsWithPods(cluster);
            awaitFullMesh(cluster, pods);
            String routes = Shell.inNetns(cluster.topology.host(1), "ip", "route", "show", "proto", "0x77");
            assertThat(routes)
                    .contains("via " + Topology.hostIp(2) + " dev eth0")
                    .contains("via " + Topology.hostIp(3) + " dev eth0")
                    .doesNotContain("flannel.1");
        }
    }

    @Test
    void dualStackPodsReachEachOtherOverIpv6() throws Exception {
        try (WeftCluster cluster = new WeftCluster("{\"Network\":\"10.247.0.0/16\",\"EnableIPv6\":true,"
                + "\"IPv6Network\":\"fd47::/48\",\"Backend\":{\"Type\":\"vxlan\"}}")) {
            Map<Integer, String> pods = startThreeHostsWithPods(cluster);
            Map<Integer, String> pods6 = new HashMap<>();
            for (int n = 1; n <= 3; n++) {
                pods6.put(n, cluster.podIpv6(n).orElseThrow());
            }
            awaitFullMesh(cluster, pods);
            awaitFullMesh(cluster, pods6);
            assertThat(Shell.inNetns(cluster.topology.host(1), "ip", "-d", "link", "show", "flannel-v6.1"))
                    .contains("vxlan id 1");
            assertThat(Shell.inNetns(cluster.topology.host(1), "ip", "-6", "route", "show", "proto", "0x77"))
                    .contains("dev flannel-v6.1");
        }
    }

    static Map<Integer, String> startThreeHostsWithPods(WeftCluster cluster) throws Exception {
        Map<Integer, String> pods = new HashMap<>();
        for (int n = 1; n <= 3; n++) {
            cluster.addHost(n);
        }
        for (int n = 1; n <= 3; n++) {
            pods.put(n, cluster.addPod(n));
        }
        return pods;
    }

    static void awaitFullMesh(WeftCluster cluster, Map<Integer, String> pods) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> VxlanPingIT.allPing(cluster, pods));
    }
}
