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
 * What happens to a running vxlan cluster when nodes stop, leases go, routes and devices are
 * deleted by hand; and subnet.env in flannel's exact format.
 */
@Timeout(600)
class NodeLifecycleIT {

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void nodesLeasesRoutesAndDevicesRecover() throws Exception {
        try (WeftCluster cluster =
                new WeftCluster("{\"Network\":\"10.248.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}")) {
            Map<Integer, String> pods = BackendsPingIT.startThreeHostsWithPods(cluster);
            BackendsPingIT.awaitFullMesh(cluster, pods);
            String host1 = cluster.topology.host(1);
            String subnet3 = cluster.awaitSubnetEnv(3).get("FLANNEL_SUBNET").replaceFirst("\\.1/", ".0/");

            // subnet.env exactly as flannel writes it.
            assertThat(Files.readString(cluster.subnetFile(1)))
                    .matches("FLANNEL_NETWORK=10\\.248\\.0\\.0/16\n"
                            + "FLANNEL_SUBNET=10\\.248\\.\\d{1,3}\\.1/24\n"
                            + "FLANNEL_MTU=1450\n"
                            + "FLANNEL_IPMASQ=false\n");

            // A route deleted by hand comes back within the reconcile interval.
            Shell.inNetns(host1, "ip", "route", "del", subnet3);
            await().atMost(Duration.ofSeconds(30)).until(() -> weftRoutes(host1).contains(subnet3));

            // A deleted vxlan device is recreated and traffic resumes.
            Shell.inNetns(host1, "ip", "link", "del", "flannel.1");
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> Shell.tryInNetns(host1, "ip", "link", "show", "flannel.1")
                                    .exitCode()
                            == 0);
            BackendsPingIT.awaitFullMesh(cluster, pods);

            // A stopped node whose lease is released disappears from its peers' kernels.
            cluster.stopNode(3);
            cluster.weftctl("lease", "release", subnet3);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !weftRoutes(host1).contains(subnet3));
            assertThat(Shell.inNetns(host1, "ip", "neigh", "show", "dev", "flannel.1"))
                    .doesNotContain(subnet3.substring(0, subnet3.indexOf('/')) + " ");

            // Restarted, it asks for the subnet in its subnet.env and gets it back.
            cluster.startNode(3);
            await().atMost(Duration.ofSeconds(60)).until(() -> weftRoutes(host1).contains(subnet3));
            cluster.awaitReady(3);
            assertThat(cluster.weftctl("lease", "get", "--node", "host3")).contains(subnet3);
            BackendsPingIT.awaitFullMesh(cluster, pods);
        }
    }

    private static String weftRoutes(String netns) {
        return Shell.inNetns(netns, "ip", "route", "show", "proto", "0x77");
    }
}
