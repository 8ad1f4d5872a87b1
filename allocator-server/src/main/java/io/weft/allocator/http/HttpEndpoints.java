package io.weft.allocator.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * The operator's HTTP port: {@code /healthz} (200 while the process serves), {@code /readyz}
 * (200 once the server has loaded etcd's state and its watch is current, else 503) and
 * {@code /metrics} in Prometheus text format.
 */
public final class HttpEndpoints implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;

    private HttpEndpoints(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static HttpEndpoints start(InetSocketAddress listen, BooleanSupplier ready, PrometheusMeterRegistry metrics)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> handle(vertx, request, ready, metrics))
                    .listen(listen.getPort(), listen.getHostString())
                    .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            return new HttpEndpoints(vertx, server);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    private static void handle(Vertx vertx, HttpServerRequest request, BooleanSupplier ready,
                               PrometheusMeterRegistry metrics) {
        switch (request.path()) {
            case "/healthz" -> request.response().putHeader("content-type", "text/plain").end("ok\n");
            case "/readyz" -> {
                boolean isReady = ready.getAsBoolean();
                request.response().setStatusCode(isReady ? 200 : 503).putHeader("content-type", "text/plain")
                        .end(isReady ? "ready\n" : "not ready: etcd state not loaded\n");
            }
            // Off the event loop: gauges read the lease index, and /healthz must answer meanwhile.
            case "/metrics" -> vertx.executeBlocking(metrics::scrape, false)
                    .onSuccess(text -> request.response()
                            .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(text))
                    .onFailure(error -> request.response().setStatusCode(500).end("metrics failed: " + error + "\n"));
            default -> request.response().setStatusCode(404).end("not found: try /healthz, /readyz or /metrics\n");
        }
    }

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
