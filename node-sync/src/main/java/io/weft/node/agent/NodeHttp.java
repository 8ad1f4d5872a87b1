package io.weft.node.agent;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The agent's HTTP port: {@code /healthz} (200 while the process serves), {@code /readyz} (200
 * once the lease is held, subnet.env written and the first full sync applied; else 503 with
 * what is missing) and {@code /metrics} in Prometheus text format.
 */
final class NodeHttp implements AutoCloseable {

    private final Vertx vertx;
    private final HttpServer server;

    private NodeHttp(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** notReadyReason answers null when ready, else why not. */
    static NodeHttp start(InetSocketAddress listen, Supplier<String> notReadyReason, PrometheusMeterRegistry metrics)
            throws Exception {
        Vertx vertx = Vertx.vertx();
        try {
            HttpServer server = vertx.createHttpServer().requestHandler(request -> {
                switch (request.path()) {
                    case "/healthz" -> request.response().end("ok\n");
                    case "/readyz" -> {
                        String reason = notReadyReason.get();
                        request.response().setStatusCode(reason == null ? 200 : 503)
                                .end(reason == null ? "ready\n" : "not ready: " + reason + "\n");
                    }
                    case "/metrics" -> request.response()
                            .putHeader("content-type", "text/plain; version=0.0.4; charset=utf-8").end(metrics.scrape());
                    default -> request.response().setStatusCode(404).end("not found: try /healthz, /readyz or /metrics\n");
                }
            }).listen(listen.getPort(), listen.getHostString()).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS);
            return new NodeHttp(vertx, server);
        } catch (Exception e) {
            vertx.close();
            throw e;
        }
    }

    int port() {
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
