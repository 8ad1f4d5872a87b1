package io.weft.etcd;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;

/**
 * Asks a member over its client URL whether it is healthy and whom it follows. Every request
 * is bounded by one timeout, so a paused or dead member costs at most that long. Thread-safe.
 */
final class EtcdHttpProbe implements AutoCloseable {

    private final HttpClient client;
    private final Duration timeout;

    EtcdHttpProbe(Duration timeout) {
        this.timeout = timeout;
        // HTTP/1.1 explicitly: etcd multiplexes gRPC and HTTP on one port and gains nothing from
        // an h2c upgrade attempt.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .build();
    }

    /** {@code GET /health}. */
    MemberHealth health(int clientPort) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(clientPort, "/health"))
                .timeout(timeout)
                .GET()
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            return MemberHealth.fromResponse(response.statusCode(), response.body());
        } catch (IOException e) {
            return MemberHealth.NOT_ANSWERING;
        }
    }

    /**
     * {@code POST /v3/maintenance/status} through etcd's gRPC gateway; empty if the member does
     * not answer in time or answers with an error.
     */
    Optional<MemberStatus> status(int clientPort) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(uri(clientPort, "/v3/maintenance/status"))
                .timeout(timeout)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return Optional.empty();
            }
            return Optional.of(MemberStatus.parse(response.body()));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static URI uri(int clientPort, String path) {
        return URI.create(EtcdOptions.loopbackUrl(clientPort) + path);
    }

    @Override
    public void close() {
        client.shutdownNow();
    }
}
