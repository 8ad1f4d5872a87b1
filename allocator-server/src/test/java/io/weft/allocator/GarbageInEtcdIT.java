package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesRequest;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.etcd.testing.EtcdExtension;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Garbage written straight into etcd under the prefix, before the server starts and while it
 * runs: the server skips and counts every such key (weft_skipped_keys), keeps serving, lists
 * and streams every valid lease, deletes nothing, and never hands out a subnet whose key exists
 * in etcd with an unreadable value.
 */
@Timeout(120)
class GarbageInEtcdIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    /** Six leasable subnets, 10.244.1.0/24 to 10.244.6.0/24. */
    private static final String SIX_SUBNETS = "{\"Network\":\"10.244.0.0/16\",\"SubnetMin\":\"10.244.1.0\","
            + "\"SubnetMax\":\"10.244.6.0\",\"Backend\":{\"Type\":\"vxlan\"}}";

    private static final String FLANNEL_VALUE = "{\"PublicIP\":\"192.168.64.3\",\"PublicIPv6\":null,"
            + "\"BackendType\":\"vxlan\",\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"c6:d2:32:6f:8f:44\"}}";

    /** Written before the server starts; the subnet keys name leasable subnets 2, 3 and 4. */
    private static final Map<String, String> GARBAGE_BEFORE = ordered(
            "/subnets/10.244.2.0-24",
            "{\"PublicIP\":\"192.168.64.3\",",
            "/subnets/10.244.3.0-24",
            "{\"PublicIP\":5,\"BackendType\":[\"vxlan\"]}",
            "/subnets/10.244.4.0-24",
            "",
            "/subnets/not-a-subnet",
            FLANNEL_VALUE,
            "/subnets/10.244.7.0-33",
            FLANNEL_VALUE,
            "/subnets/10.244.8.5-24",
            FLANNEL_VALUE,
            "/subnets/10.244.9.0-24",
            "x".repeat(1_000_000),
            "/unrelated/key",
            "hello");
    /** Written while it runs; subnets 5 and 6 get values flanneld would refuse. */
    private static final Map<String, String> GARBAGE_WHILE_RUNNING = ordered(
            "/subnets/10.244.5.0-24", FLANNEL_VALUE.replace("192.168.64.3", "192.168.64.300"),
            "/subnets/10.244.6.0-24", FLANNEL_VALUE.replace("c6:d2:32:6f:8f:44", "c6:d2:32:6f:8f"),
            "/other", "{}");

    @Test
    void garbageIsSkippedCountedNeverHandedOutAndRemovesNothing() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer first = fixture.startServer(Duration.ofHours(1));
            fixture.setConfig(first, SIX_SUBNETS);
            Lease good = fixture.leases(first)
                    .acquireLease(AllocatorFixture.vxlanNode("good", "192.168.64.9").toBuilder()
                            .setPreviousSubnet("10.244.1.0/24")
                            .build())
                    .getLease();
            fixture.stopServer(first);
            // A valid lease outside the network (as a forced config change leaves them): kept and
            // listed by the server, as SetConfig's force promises; nodes skip it as a peer.
            put(fixture, "/subnets/10.99.0.0-24", FLANNEL_VALUE);
            GARBAGE_BEFORE.forEach((key, value) -> put(fixture, key, value));

            AllocatorServer server = startWithMetrics(fixture);
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);
            assertThat(listed(leases)).containsExactlyInAnyOrder("10.244.1.0/24", "10.99.0.0/24");
            assertThat(metric(server, "weft_skipped_keys_total")).isEqualTo(GARBAGE_BEFORE.size());
            WatchIT.Recorder watcher = new WatchIT.Recorder();
            LeaseServiceGrpc.newStub(fixture.channel(server))
                    .watchLeases(WatchLeasesRequest.getDefaultInstance(), watcher);
            await().until(() -> watcher.view().containsKey(good.getSubnet()));

            GARBAGE_WHILE_RUNNING.forEach((key, value) -> put(fixture, key, value));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> metric(server, "weft_skipped_keys_total")
                            == GARBAGE_BEFORE.size() + GARBAGE_WHILE_RUNNING.size());
            // A valid change after the garbage reaches the watcher; the garbage never does.
            Lease moved = leases.acquireLease(AllocatorFixture.vxlanNode("good", "192.168.64.10").toBuilder()
                            .setTakeover(true)
                            .build())
                    .getLease();
            assertThat(moved.getSubnet()).isEqualTo(good.getSubnet());
            await().until(() ->
                    watcher.view().get(good.getSubnet()).getPublicIp().equals("192.168.64.10"));
            assertThat(watcher.view()).containsOnlyKeys("10.244.1.0/24", "10.99.0.0/24");
            assertThat(watcher.messages.subList(1, watcher.messages.size()))
                    .extracting(WatchLeasesResponse::getType)
                    .containsOnly(WatchLeasesResponse.Type.MODIFIED);

            // Subnets 2..6 exist in etcd, unreadable: never handed out, not even tried.
            assertExhausted(leases, "newcomer");
            assertThat(metric(server, "weft_acquisition_races_lost_total")).isZero();
            AllocatorServer restarted = startWithMetrics(fixture);
            assertThat(listed(fixture.leases(restarted))).containsExactlyInAnyOrder("10.244.1.0/24", "10.99.0.0/24");
            assertExhausted(fixture.leases(restarted), "newcomer");
            assertThatThrownBy(() -> leases.releaseLease(ReleaseLeaseRequest.newBuilder()
                            .setSubnet("10.244.5.0/24")
                            .build()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

            // Nothing valid was deleted or rewritten by the server; the garbage is all still there.
            Map<String, String> contents = fixture.etcdContents();
            assertThat(contents).containsKey(fixture.prefix + "/subnets/10.244.1.0-24");
            assertThat(contents).containsEntry(fixture.prefix + "/subnets/10.99.0.0-24", FLANNEL_VALUE);
            GARBAGE_BEFORE.forEach((key, value) -> assertThat(contents).containsEntry(fixture.prefix + key, value));
            GARBAGE_WHILE_RUNNING.forEach(
                    (key, value) -> assertThat(contents).containsEntry(fixture.prefix + key, value));

            // Once an unreadable key is deleted, its subnet is free again.
            fixture.etcd
                    .getKVClient()
                    .delete(AllocatorFixture.bytes(fixture.prefix + "/subnets/10.244.4.0-24"))
                    .get(10, TimeUnit.SECONDS);
            // RESOURCE_EXHAUSTED until the server's watch has seen the deletion.
            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptionsInstanceOf(StatusRuntimeException.class)
                    .untilAsserted(() -> assertThat(
                                    leases.acquireLease(AllocatorFixture.vxlanNode("newcomer", "192.168.64.11"))
                                            .getLease()
                                            .getSubnet())
                            .isEqualTo("10.244.4.0/24"));
            await().untilAsserted(() ->
                    assertThat(watcher.view()).containsOnlyKeys("10.244.1.0/24", "10.99.0.0/24", "10.244.4.0/24"));
        }
    }

    @Test
    void aLeaseOverwrittenWithGarbageStaysAndItsHolderWritesItBack() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = startWithMetrics(fixture);
            fixture.setConfig(server, SIX_SUBNETS);
            LeaseServiceGrpc.LeaseServiceBlockingStub leases = fixture.leases(server);
            Lease victim = leases.acquireLease(AllocatorFixture.vxlanNode("victim", "192.168.64.9"))
                    .getLease();
            String key = "/subnets/" + victim.getSubnet().replace('/', '-');
            WatchIT.Recorder watcher = new WatchIT.Recorder();
            LeaseServiceGrpc.newStub(fixture.channel(server))
                    .watchLeases(WatchLeasesRequest.getDefaultInstance(), watcher);
            await().until(() -> watcher.view().containsKey(victim.getSubnet()));

            put(fixture, key, "{garbage");
            await().atMost(Duration.ofSeconds(10)).until(() -> metric(server, "weft_skipped_keys_total") == 1);

            assertThat(listed(leases)).containsExactly(victim.getSubnet());
            assertThat(watcher.view()).containsOnlyKeys(victim.getSubnet());
            Lease renewed = leases.renewLease(io.weft.api.v1.RenewLeaseRequest.newBuilder()
                            .setSubnet(victim.getSubnet())
                            .setNodeName("victim")
                            .build())
                    .getLease();
            assertThat(renewed.getNodeName()).isEqualTo("victim");
            assertThat(io.weft.allocator.store.LeaseValue.parse(
                                    fixture.etcdContents().get(fixture.prefix + key))
                            .nodeName())
                    .isEqualTo("victim");
            assertThat(fixture.etcdLeaseOf(fixture.prefix + key))
                    .as("back on an etcd lease")
                    .isNotZero();
            assertThat(watcher.messages)
                    .extracting(WatchLeasesResponse::getType)
                    .doesNotContain(WatchLeasesResponse.Type.REMOVED);
        }
    }

    private static void assertExhausted(LeaseServiceGrpc.LeaseServiceBlockingStub leases, String node) {
        AcquireLeaseRequest request = AllocatorFixture.vxlanNode(node, "192.168.64.11");
        assertThatThrownBy(() -> leases.acquireLease(request))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode())
                                .as("%s", e.getStatus())
                                .isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
    }

    private static List<String> listed(LeaseServiceGrpc.LeaseServiceBlockingStub leases) {
        return leases.listLeases(ListLeasesRequest.getDefaultInstance()).getLeasesList().stream()
                .map(Lease::getSubnet)
                .toList();
    }

    private static AllocatorServer startWithMetrics(AllocatorFixture fixture) throws Exception {
        AllocatorServer server = AllocatorServer.builder()
                .etcdEndpoints(fixture.endpoints)
                .etcdPrefix(fixture.prefix)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .httpListen(new InetSocketAddress("127.0.0.1", 0))
                .leaseTtl(Duration.ofHours(1))
                .reuseQuarantine(Duration.ZERO)
                .start();
        fixture.adopt(server);
        return server;
    }

    /** One counter's value from the server's /metrics. */
    static double metric(AllocatorServer server, String name) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String body = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            return body.lines()
                    .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                    .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                    .sum();
        }
    }

    private static void put(AllocatorFixture fixture, String key, String value) {
        try {
            fixture.etcd
                    .getKVClient()
                    .put(AllocatorFixture.bytes(fixture.prefix + key), AllocatorFixture.bytes(value))
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> ordered(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
