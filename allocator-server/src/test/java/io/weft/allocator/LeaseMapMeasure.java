package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.weft.api.v1.Lease;
import io.weft.etcd.testing.EtcdExtension;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A one-off measurement, not a test (no suffix CI runs): the lease map with 65,536 leases, every
 * subnet of 10.0.0.0/8 in /24s, loaded straight into etcd as flanneld-format keys. It reports
 * the time from navigation to the first full draw, the browser's JS heap, and how long a lease
 * acquired through gRPC takes to show, and writes them to target/lease-map/measure.txt. Run:
 *
 * <pre>./mvnw -B -ntp -pl allocator-server -am verify -Dtest=X -Dit.test=LeaseMapMeasure \
 *   -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false</pre>
 */
@Timeout(600)
class LeaseMapMeasure {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final int LEASES = 65_536;
    private static final int PUTS_PER_TXN = 128;

    @Test
    void sixtyFiveThousandLeases() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            long loadStarted = System.nanoTime();
            load(fixture.etcd, fixture.prefix);
            double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;
            AllocatorServer server = AllocatorServer.builder()
                    .etcdEndpoints(ETCD.endpoints())
                    .etcdPrefix(fixture.prefix)
                    .listen(new InetSocketAddress("127.0.0.1", 0))
                    .httpListen(new InetSocketAddress("127.0.0.1", 0))
                    .reuseQuarantine(Duration.ZERO)
                    .start();
            fixture.adopt(server);
            List<String> lines = new ArrayList<>();
            lines.add(String.format(Locale.ROOT, "loaded %d leases into etcd in %.1f s", LEASES, loadSeconds));
            lines.add(plainFeedRead(server.httpPort()));
            try (HeadlessChromium browser = HeadlessChromium.start()) {
                browser.driver.executeCdpCommand("Performance.enable", Map.of());
                browser.driver.get("http://127.0.0.1:" + server.httpPort() + "/");
                await().atMost(Duration.ofMinutes(5))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> Boolean.TRUE.equals(browser.script(
                                "return window.weftMap && weftMap.ready() && weftMap.leaseCount() === " + LEASES)));
                double firstDraw = ((Number) browser.script("return weftMap.firstDrawMs()")).doubleValue();
                @SuppressWarnings("unchecked")
                Map<String, Object> timings = (Map<String, Object>) browser.script("return weftMap.timings()");
                lines.add(String.format(
                        Locale.ROOT,
                        "first full draw %.0f ms after navigation start (performance.now()): snapshot's first chunk"
                                + " at %.0f ms, last at %.0f ms, drawing took %.0f ms",
                        firstDraw,
                        ((Number) timings.get("snapshotStartMs")).doubleValue(),
                        ((Number) timings.get("snapshotDoneMs")).doubleValue(),
                        ((Number) timings.get("firstDrawTookMs")).doubleValue()));
                lines.add("heap after first draw: " + heap(browser));
                browser.driver.executeCdpCommand("HeapProfiler.collectGarbage", Map.of());
                lines.add("heap after a forced GC: " + heap(browser));
                browser.screenshot("measure-65536");

                // A release and an acquisition through gRPC, timed until the page shows them.
                var leases = fixture.leases(server);
                String victim = "10.0.7.0/24";
                leases.releaseLease(io.weft.api.v1.ReleaseLeaseRequest.newBuilder()
                        .setSubnet(victim)
                        .build());
                long called = System.nanoTime();
                Lease lease = leases.acquireLease(AllocatorFixture.vxlanNode("measure-late", "172.31.0.1"))
                        .getLease();
                long answered = System.nanoTime();
                await().atMost(Duration.ofMinutes(1))
                        .pollInterval(Duration.ofMillis(10))
                        .until(() -> Boolean.TRUE.equals(
                                browser.script("return weftMap.leases().some(l => l.node === 'measure-late')")));
                lines.add(String.format(
                        Locale.ROOT,
                        "an acquisition (%s) took %.0f ms through gRPC and showed on the page %.0f ms after it"
                                + " answered",
                        lease.getSubnet(),
                        (answered - called) / 1e6,
                        (System.nanoTime() - answered) / 1e6));
            }
            Path report = HeadlessChromium.SCREENSHOTS.resolve("measure.txt");
            Files.createDirectories(report.getParent());
            Files.write(report, lines);
            lines.forEach(System.out::println);
            assertThat(lines).hasSize(6);
        }
    }

    /** Reads the feed's first snapshot with a plain HTTP client: the server's and the socket's share. */
    private static String plainFeedRead(int port) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            long started = System.nanoTime();
            HttpResponse<InputStream> feed = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/map/events"))
                            .build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            long bytes = 0;
            int chunks = 0;
            try (BufferedReader lines =
                    new BufferedReader(new InputStreamReader(feed.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    bytes += line.length() + 1;
                    if (line.startsWith("data: {\"revision\"") && line.contains("\"more\":")) {
                        chunks++;
                        if (line.contains("\"more\":false")) {
                            break;
                        }
                    }
                }
            }
            return String.format(
                    Locale.ROOT,
                    "a plain HTTP client read the feed's snapshot (%d chunks, %.1f MiB) in %.0f ms",
                    chunks,
                    bytes / (double) (1 << 20),
                    (System.nanoTime() - started) / 1e6);
        }
    }

    private static String heap(HeadlessChromium browser) {
        @SuppressWarnings("unchecked")
        Map<String, Object> answer =
                (Map<String, Object>) browser.driver.executeCdpCommand("Performance.getMetrics", Map.of());
        double used = 0;
        double total = 0;
        for (Object metric : (List<?>) answer.get("metrics")) {
            Map<?, ?> m = (Map<?, ?>) metric;
            if ("JSHeapUsedSize".equals(m.get("name"))) {
                used = ((Number) m.get("value")).doubleValue();
            } else if ("JSHeapTotalSize".equals(m.get("name"))) {
                total = ((Number) m.get("value")).doubleValue();
            }
        }
        Object memory = browser.script("return performance.memory ? performance.memory.usedJSHeapSize : -1");
        return String.format(
                Locale.ROOT,
                "JSHeapUsedSize %.1f MiB, JSHeapTotalSize %.1f MiB (CDP Performance.getMetrics); "
                        + "performance.memory.usedJSHeapSize %.1f MiB",
                used / (1 << 20),
                total / (1 << 20),
                ((Number) memory).doubleValue() / (1 << 20));
    }

    /** Every /24 of 10.0.0.0/8 as a flanneld would write it, on one 24 h etcd lease. */
    private static void load(Client etcd, String prefix) throws Exception {
        etcd.getKVClient()
                .put(
                        AllocatorFixture.bytes(prefix + "/config"),
                        AllocatorFixture.bytes("{\"Network\":\"10.0.0.0/8\",\"SubnetLen\":24,"
                                + "\"SubnetMin\":\"10.0.0.0\",\"Backend\":{\"Type\":\"vxlan\"}}"))
                .get(10, TimeUnit.SECONDS);
        long leaseId =
                etcd.getLeaseClient().grant(86_400).get(10, TimeUnit.SECONDS).getID();
        PutOption withLease = PutOption.builder().withLeaseId(leaseId).build();
        for (int first = 0; first < LEASES; first += PUTS_PER_TXN) {
            List<Op> puts = new ArrayList<>();
            for (int i = first; i < first + PUTS_PER_TXN; i++) {
                String subnet = "10." + (i >> 8) + "." + (i & 255) + ".0";
                String value = String.format(
                        Locale.ROOT,
                        "{\"PublicIP\":\"172.16.%d.%d\",\"PublicIPv6\":null,\"BackendType\":\"vxlan\","
                                + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"0a:00:00:00:%02x:%02x\"},"
                                + "\"NodeName\":\"node-%05d\"}",
                        i >> 8,
                        i & 255,
                        i >> 8,
                        i & 255,
                        i);
                puts.add(Op.put(
                        AllocatorFixture.bytes(prefix + "/subnets/" + subnet + "-24"),
                        AllocatorFixture.bytes(value),
                        withLease));
            }
            etcd.getKVClient().txn().Then(puts.toArray(Op[]::new)).commit().get(30, TimeUnit.SECONDS);
        }
    }
}
