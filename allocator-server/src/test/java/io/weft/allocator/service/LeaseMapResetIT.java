package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.weft.allocator.map.LeaseMapPage;
import io.weft.allocator.store.AddressFences;
import io.weft.allocator.store.EtcdLeaseStore;
import io.weft.allocator.store.EtcdRequestObserver;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.WriteOutcome;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import io.weft.http.OperatorHttp;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The lease map's event feed, read over real HTTP, when the server has to list etcd again (its
 * watch needed a compacted revision): the page gets a snapshot marked reset holding every
 * lease, which replaces what it drew.
 */
@Timeout(60)
class LeaseMapResetIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Test
    void aReListReachesThePageAsAResetSnapshotOfEveryLease() throws Exception {
        KeyLayout layout = new KeyLayout("/map-reset/network");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Client client = Client.builder()
                        .endpoints(ETCD.endpoints().toArray(String[]::new))
                        .build();
                LeaseStore etcd = new EtcdLeaseStore(client, layout, EtcdRequestObserver.NONE)) {
            etcd.putConfig("{\"Network\":\"10.21.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}")
                    .get(10, TimeUnit.SECONDS);
            put(etcd, "10.21.1.0/24", "192.168.0.1");
            HeldBackWatchStore store = new HeldBackWatchStore(etcd);
            LeaseServices services = new LeaseServices(
                    store,
                    InstantSource.system(),
                    Duration.ofHours(1),
                    Duration.ZERO,
                    new SimpleMeterRegistry(),
                    scheduler);
            services.start().get(10, TimeUnit.SECONDS);
            HttpClient http = HttpClient.newHttpClient();
            try (OperatorHttp page = OperatorHttp.start(
                    new InetSocketAddress("127.0.0.1", 0),
                    Optional::empty,
                    new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                    Map.of(),
                    LeaseMapPage.pages(services, InstantSource.system()))) {
                List<JsonObject> snapshots = new CopyOnWriteArrayList<>();
                InputStream feed = http.send(
                                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + page.port() + "/map/events"))
                                        .build(),
                                HttpResponse.BodyHandlers.ofInputStream())
                        .body();
                Thread.ofVirtual().start(() -> readSnapshots(feed, snapshots));
                await().atMost(Duration.ofSeconds(20)).until(() -> !snapshots.isEmpty());
                assertThat(subnets(snapshots.getFirst())).containsExactly("10.21.1.0/24");
                assertThat(snapshots.getFirst().getBoolean("reset")).isFalse();

                // Two writes the held-back watch misses, then a compaction past them: a re-list.
                put(etcd, "10.21.2.0/24", "192.168.0.2");
                put(etcd, "10.21.3.0/24", "192.168.0.3");
                long now = client.getKVClient()
                        .get(ByteSequence.from(layout.configKey(), StandardCharsets.UTF_8))
                        .get(10, TimeUnit.SECONDS)
                        .getHeader()
                        .getRevision();
                client.getKVClient().compact(now, CompactOption.DEFAULT).get(10, TimeUnit.SECONDS);
                store.releaseHeldWatch();

                await().atMost(Duration.ofSeconds(20))
                        .until(() -> snapshots.stream().anyMatch(s -> s.getBoolean("reset")));
                JsonObject reset = snapshots.stream()
                        .filter(s -> s.getBoolean("reset"))
                        .findFirst()
                        .orElseThrow();
                assertThat(subnets(reset)).containsExactly("10.21.1.0/24", "10.21.2.0/24", "10.21.3.0/24");
                assertThat(reset.getBoolean("more")).isFalse();
                feed.close();
            } finally {
                http.close();
                services.close();
                scheduler.shutdownNow();
            }
        }
    }

    private static void readSnapshots(InputStream feed, List<JsonObject> snapshots) {
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(feed, StandardCharsets.UTF_8))) {
            String event = "";
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.startsWith("event: ")) {
                    event = line.substring("event: ".length());
                } else if (line.startsWith("data: ") && event.equals("snapshot")) {
                    snapshots.add(new JsonObject(line.substring("data: ".length())));
                }
            }
        } catch (Exception closed) {
            // the test closed the stream
        }
    }

    private static List<String> subnets(JsonObject snapshot) {
        return snapshot.getJsonArray("leases").stream()
                .map(lease -> ((JsonObject) lease).getString("s4"))
                .toList();
    }

    private static void put(LeaseStore store, String subnet, String publicIp) throws Exception {
        WriteOutcome created = store.compareAndPut(
                        SubnetKey.ipv4Only(IpPrefix.parse(subnet)),
                        new LeaseValue(publicIp, "", "host-gw", null, null, "node-" + publicIp),
                        0,
                        0,
                        AddressFences.NONE)
                .get(10, TimeUnit.SECONDS);
        assertThat(created).isInstanceOf(WriteOutcome.Written.class);
    }
}
