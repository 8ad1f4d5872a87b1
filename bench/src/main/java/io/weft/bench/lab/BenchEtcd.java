package io.weft.bench.lab;

import io.weft.config.json.Json;
import io.weft.etcd.EtcdOptions;
import io.weft.etcd.EtcdProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One etcd member for a figure: a real etcd process on free loopback ports with etcd's normal
 * raft timing, its data in the run's scratch directory. Also reads etcd's own accounting:
 * {@code /metrics} and the lease list ({@code LeaseLeases}, through the gRPC gateway because
 * jetcd does not expose it).
 */
public final class BenchEtcd implements AutoCloseable {

    private final EtcdProcess process;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private BenchEtcd(EtcdProcess process) {
        this.process = process;
    }

    /** Starts a member with its data in {@code dataDir} and waits until it is healthy. */
    public static BenchEtcd start(Path dataDir) {
        return new BenchEtcd(new EtcdProcess(EtcdOptions.builder(dataDir).build()).start());
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String endpoint() {
        return process.clientEndpoint();
    }

    /** The etcd process's id (its CPU time is read from it). */
    public long pid() {
        return process.pid();
    }

    /** A scrape of etcd's {@code /metrics} on the client URL. */
    public PrometheusScrape metrics() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
        return PrometheusScrape.parse(
                http.send(request, HttpResponse.BodyHandlers.ofString()).body());
    }

    /** How many etcd leases exist now: etcd's LeaseLeases RPC ({@code POST /v3/lease/leases}). */
    public int leaseCount() throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(endpoint() + "/v3/lease/leases"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build();
        String body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
        if (!(Json.parse(body) instanceof Map<?, ?> answer)) {
            throw new IOException("LeaseLeases answered " + body);
        }
        return answer.get("leases") instanceof List<?> leases ? leases.size() : 0;
    }

    @Override
    public void close() {
        http.close();
        process.stop();
    }
}
