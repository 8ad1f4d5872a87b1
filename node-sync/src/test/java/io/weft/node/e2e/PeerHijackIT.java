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
 * A lease written straight into etcd for the hosts' own LAN (10.99.0.0/24, which the pod network
 * 10.96.0.0/12 happens to hold) must not take any host off its LAN: every host skips it, counts
 * it, and still reaches the allocator and its peers.
 */
@Timeout(300)
class PeerHijackIT {

    private static final String LAN_LEASE = "/coreos.com/network/subnets/10.99.0.0-24";
    private static final String VALUE = "{\"PublicIP\":\"10.99.0.50\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
            + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"c6:d2:32:6f:8f:44\"}}";

    @BeforeAll
    static void needsRoot() {
        RootRequired.check();
    }

    @Test
    void aLeaseForTheHostsLanLeavesEveryHostOnItsLan() throws Exception {
        // SubnetMin keeps the allocator itself from handing the LAN out; the lease below bypasses it.
        try (WeftCluster cluster = new WeftCluster("{\"Network\":\"10.96.0.0/12\",\"SubnetLen\":24,"
                + "\"SubnetMin\":\"10.100.0.0\",\"Backend\":{\"Type\":\"vxlan\"}}")) {
            Map<Integer, String> pods = BackendsPingIT.startThreeHostsWithPods(cluster);
            BackendsPingIT.awaitFullMesh(cluster, pods);

            cluster.etcdctl("put", LAN_LEASE, VALUE);

            try {
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    for (int n = 1; n <= 3; n++) {
                        assertThat(cluster.nodeMetric(n, "weft_node_skipped_peers"))
                                .as("host%d", n)
                                .isEqualTo(1);
                    }
                });
                for (int n = 1; n <= 3; n++) {
                    String host = cluster.topology.host(n);
                    assertThat(NodeFaultsIT.weftRoutes(host))
                            .as("host%d weft routes", n)
                            .doesNotContain("10.99.0.0/24");
                    assertThat(Shell.tryInNetns(host, "ping", "-c", "1", "-W", "2", Topology.CONTROL_IP)
                                    .exitCode())
                            .as("host%d reaches the allocator", n)
                            .isZero();
                    assertThat(Files.readString(cluster.work.resolve("node" + n + ".log")))
                            .as("host%d log", n)
                            .contains("skipping 1 peer (1 new): 1 overlaps this host's addresses; e.g. 10.99.0.0/24: "
                                    + "IPv4: subnet 10.99.0.0/24 holds this host's address " + Topology.hostIp(n));
                }
                assertThat(cluster.weftctl("leases")).contains("10.99.0.0/24");
                BackendsPingIT.awaitFullMesh(cluster, pods);
            } catch (AssertionError | org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError(e.getMessage() + "\n" + cluster.logs(), e);
            }
        }
    }
}
