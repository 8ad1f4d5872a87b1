package io.weft.http;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.weft.launcher.BuildInfo;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * A daemon's operator port, the same for weft-allocator and weft-node: {@code /healthz} (200
 * while the process serves), {@code /readyz} (200 when ready, else 503 with why not) and
 * {@code /metrics} in Prometheus text format, plus any text routes a daemon adds and its
 * read-only browser routes ({@link WebPages}). Routes that compute (metrics, added ones, JSON
 * queries) run off the event loop, so {@code /healthz} answers meanwhile.
 */
public final class OperatorHttp implements AutoCloseable {

    static final String TEXT = "text/plain; charset=utf-8";
    static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";

    /** Why the daemon is not ready, or empty when it is; called on every {@code /readyz}. */
    @FunctionalInterface
    public interface Readiness {
        Optional<String> notReadyReason();
    }

    /** An added route's answer: its status, body and content type (text by default). */
    public record Answer(int status, String body, String contentType) {
        public Answer(int status, String body) {
            this(status, body, TEXT);
        }

        /** A 200 answer in JSON. */
        public static Answer json(String body) {
            return new Answer(200, body, "application/json; charset=utf-8");
        }
    }

    private final Vertx vertx;
    private final HttpServer server;

    private OperatorHttp(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Listens with the three standard routes. */
    public static OperatorHttp start(InetSocketAddress listen, Readiness readiness, PrometheusMeterRegistry metrics)
            throws Exception {
        return start(listen, readiness, metrics, Map.of());
    }

    /**
     * Listens with the three standard routes and these (path to answer; they may not replace a
     * standard one).
     */
    public static OperatorHttp start(
            InetSocketAddress listen,
            Readiness readiness,
            PrometheusMeterRegistry metrics,
            Map<String, Supplier<Answer>> extraRoutes)
            throws Exception {
        return start(listen, readiness, metrics, extraRoutes, new WebPages());
    }

    /**
     * Listens with the three standard routes, these text routes, and the browser routes of
     * {@code pages}.
     */
    public static OperatorHttp start(
            InetSocketAddress listen,
            Readiness readiness,
            PrometheusMeterRegistry metrics,
            Map<String, Supplier<Answer>> extraRoutes,
            WebPages pages)
            throws Exception {
        BuildInfo build = BuildInfo.current();
        Gauge.builder("weft_build", () -> 1)
                .description("the build this process runs: its version and git commit")
                .tag("version", build.version())
                .tag("commit", build.commit())
                .register(metrics);
        Map<String, Supplier<Answer>> routes = new LinkedHashMap<>();
        routes.put("/metrics", () -> new Answer(200, metrics.scrape(), PROMETHEUS));
        for (var route : extraRoutes.entrySet()) {
            if (route.getKey().equals("/healthz")
                    || route.getKey().equals("/readyz")
                    || routes.containsKey(route.getKey())
                    || pages.serves(route.getKey())) {
                throw new IllegalArgumentException("route " + route.getKey() + " is one of the standard routes");
            }
            routes.put(route.getKey(), route.getValue());
        }
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> handle(vertx, request, readiness, routes, pages))
                    .listen(listen.getPort(), listen.getHostString())
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            return new OperatorHttp(vertx, server);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    private static void handle(
            Vertx vertx,
            HttpServerRequest request,
            Readiness readiness,
            Map<String, Supplier<Answer>> routes,
            WebPages pages) {
        if (pages.serves(request.path())) {
            pages.handle(vertx, request);
            return;
        }
        switch (request.path()) {
            case "/healthz" ->
                request.response().putHeader("content-type", TEXT).end("ok\n");
            case "/readyz" -> {
                Optional<String> reason = readiness.notReadyReason();
                request.response()
                        .setStatusCode(reason.isEmpty() ? 200 : 503)
                        .putHeader("content-type", TEXT)
                        .end(reason.map(why -> "not ready: " + why + "\n").orElse("ready\n"));
            }
            default -> {
                Supplier<Answer> route = routes.get(request.path());
                if (route == null) {
                    request.response()
                            .setStatusCode(404)
                            .putHeader("content-type", TEXT)
                            .end("not found: try " + String.join(", ", paths(routes, pages)) + "\n");
                    return;
                }
                vertx.executeBlocking(route::get, false)
                        .onSuccess(answer -> request.response()
                                .setStatusCode(answer.status())
                                .putHeader("content-type", answer.contentType())
                                .end(answer.body()))
                        .onFailure(error -> request.response()
                                .setStatusCode(500)
                                .putHeader("content-type", TEXT)
                                .end(request.path() + " failed: " + error + "\n"));
            }
        }
    }

    private static List<String> paths(Map<String, Supplier<Answer>> routes, WebPages pages) {
        List<String> paths = new ArrayList<>(List.of("/healthz", "/readyz"));
        paths.addAll(routes.keySet());
        paths.addAll(pages.paths());
        return paths;
    }

    /** The port it listens on (the one chosen when asked for port 0). */
    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() {
        try {
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // shutting down anyway
        } finally {
            vertx.close();
        }
    }
}
