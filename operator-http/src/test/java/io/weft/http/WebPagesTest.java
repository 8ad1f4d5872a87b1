package io.weft.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Browser routes over a real socket: files from the jar, JSON queries, event streams. */
@Timeout(30)
class WebPagesTest {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<EventSink> sinks = new CopyOnWriteArrayList<>();
    private final List<String> closedSubscriptions = new CopyOnWriteArrayList<>();
    private OperatorHttp http;

    @BeforeEach
    void start() throws Exception {
        WebPages pages = new WebPages()
                .resource("/", WebPagesTest.class, "hello.html", "text/html; charset=utf-8")
                .query("/double", query -> {
                    String n = query.get("n");
                    if (n == null || !n.matches("[0-9]{1,9}")) {
                        throw new IllegalArgumentException("n must be a number from 0 to 999999999, got " + n);
                    }
                    return OperatorHttp.Answer.json("{\"double\":" + 2 * Long.parseLong(n) + "}");
                })
                .events("/ticks", (query, sink) -> {
                    sinks.add(sink);
                    sink.send("hello", "{\"from\":\"" + query.getOrDefault("name", "") + "\"}");
                    return () -> closedSubscriptions.add(query.getOrDefault("name", ""));
                })
                .streamLimit(1);
        http = OperatorHttp.start(
                new InetSocketAddress("127.0.0.1", 0),
                Optional::empty,
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
                Map.of(),
                pages);
    }

    @AfterEach
    void stop() {
        http.close();
        client.close();
    }

    @Test
    void servesFilesOfTheJarWithTheirTypeAndNoForeignScripts() throws Exception {
        HttpResponse<String> page = get("/");

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>hello</title>");
        assertThat(page.headers().firstValue("content-type")).contains("text/html; charset=utf-8");
        assertThat(page.headers().firstValue("content-security-policy"))
                .hasValueSatisfying(policy -> assertThat(policy).contains("default-src 'self'"));
    }

    @Test
    void answersQueriesInJsonAndBadParametersWithOneLine() throws Exception {
        HttpResponse<String> good = get("/double?n=21");
        HttpResponse<String> bad = get("/double?n=lots");

        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).isEqualTo("{\"double\":42}");
        assertThat(good.headers().firstValue("content-type")).contains("application/json; charset=utf-8");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).isEqualTo("n must be a number from 0 to 999999999, got lots\n");
    }

    @Test
    void refusesWrites() throws Exception {
        HttpResponse<String> post = client.send(
                HttpRequest.newBuilder(uri("/double?n=1"))
                        .POST(HttpRequest.BodyPublishers.ofString("x"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).contains("GET, HEAD");
    }

    @Test
    void streamsEventsInOrderUpToTheLimitAndUnsubscribesWhenTheClientGoes() throws Exception {
        HttpResponse<java.io.InputStream> stream = client.send(
                HttpRequest.newBuilder(uri("/ticks?name=first")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.headers().firstValue("content-type")).contains("text/event-stream; charset=utf-8");
        BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        assertThat(sinks).hasSize(1);
        for (int i = 0; i < 3; i++) {
            assertThat(sinks.getFirst().send("tick", "{\"n\":" + i + "}")).isTrue();
        }

        List<String> frames = new ArrayList<>();
        String line;
        while (frames.size() < 8 && (line = lines.readLine()) != null) {
            if (line.startsWith("event:") || line.startsWith("data:")) {
                frames.add(line);
            }
        }
        assertThat(frames)
                .containsExactly(
                        "event: hello",
                        "data: {\"from\":\"first\"}",
                        "event: tick",
                        "data: {\"n\":0}",
                        "event: tick",
                        "data: {\"n\":1}",
                        "event: tick",
                        "data: {\"n\":2}");
        HttpResponse<String> second = get("/ticks?name=second");
        assertThat(second.statusCode()).isEqualTo(503);
        assertThat(second.body()).isEqualTo("1 event streams are open, the limit; close a page and retry\n");

        stream.body().close();
        org.awaitility.Awaitility.await()
                .atMost(10, TimeUnit.SECONDS)
                .untilAsserted(() -> assertThat(closedSubscriptions).containsExactly("first"));
        org.awaitility.Awaitility.await()
                .atMost(10, TimeUnit.SECONDS)
                .untilAsserted(
                        () -> assertThat(sinks.getFirst().send("tick", "{}")).isFalse());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + http.port() + path);
    }
}
