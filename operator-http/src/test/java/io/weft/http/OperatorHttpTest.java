package io.weft.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.weft.launcher.BuildInfo;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The operator port over a real socket, as a probe or Prometheus asks it. */
@Timeout(30)
class OperatorHttpTest {

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<String> notReady = new AtomicReference<>("lease not held");
    private OperatorHttp http;

    @BeforeEach
    void start() throws Exception {
        metrics.counter("weft_demo_total").increment();
        http = OperatorHttp.start(
                new InetSocketAddress("127.0.0.1", 0),
                () -> Optional.ofNullable(notReady.get()),
                metrics,
                Map.of("/debug/leases", () -> new OperatorHttp.Answer(200, "3 leases\n")));
    }

    @AfterEach
    void stop() {
        http.close();
        client.close();
    }

    @Test
    void healthzAnswersWhileItRuns() throws Exception {
        HttpResponse<String> response = get("/healthz");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok\n");
        assertThat(response.headers().firstValue("content-type")).contains(OperatorHttp.TEXT);
    }

    @Test
    void readyzSaysWhyNotUntilReady() throws Exception {
        HttpResponse<String> waiting = get("/readyz");
        notReady.set(null);
        HttpResponse<String> ready = get("/readyz");

        assertThat(waiting.statusCode()).isEqualTo(503);
        assertThat(waiting.body()).isEqualTo("not ready: lease not held\n");
        assertThat(waiting.headers().firstValue("content-type")).contains(OperatorHttp.TEXT);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready\n");
    }

    @Test
    void metricsArePrometheusText() throws Exception {
        HttpResponse<String> response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("content-type")).contains(OperatorHttp.PROMETHEUS);
        assertThat(response.body()).contains("weft_demo_total 1.0");
    }

    @Test
    void metricsNameTheBuild() throws Exception {
        BuildInfo build = BuildInfo.current();

        assertThat(get("/metrics").body())
                .contains("weft_build{commit=\"" + build.commit() + "\",version=\"" + build.version() + "\"} 1.0");
        assertThat(build.version()).isEqualTo(System.getProperty("weft.expected.version"));
    }

    @Test
    void aDaemonsOwnRouteIsServedAndNamedIn404s() throws Exception {
        assertThat(get("/debug/leases").body()).isEqualTo("3 leases\n");
        HttpResponse<String> missing = get("/nope");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(missing.body()).isEqualTo("not found: try /healthz, /readyz, /metrics, /debug/leases\n");
    }

    @Test
    void aStandardRouteCannotBeReplaced() {
        assertThatThrownBy(() -> OperatorHttp.start(
                        new InetSocketAddress("127.0.0.1", 0),
                        Optional::empty,
                        metrics,
                        Map.of("/readyz", () -> new OperatorHttp.Answer(200, "always\n"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/readyz");
    }

    private HttpResponse<String> get(String path) throws Exception {
        return client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + http.port() + path))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
