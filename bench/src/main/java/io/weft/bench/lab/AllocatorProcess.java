package io.weft.bench.lab;

import io.weft.bench.BenchContext;
import io.weft.client.ServerAddress;
import io.weft.testsupport.LaunchedProcess;
import io.weft.testsupport.LoopbackPorts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * allocator-server as its own JVM ({@code io.weft.allocator.AllocatorMain}, what
 * {@code bin/weft-allocator} runs) on free loopback ports, over a given etcd and prefix. A
 * separate process so that its CPU, heap and JIT are its own: clients in the bench JVM reach it
 * over gRPC on loopback, as nodes would over the network.
 */
public final class AllocatorProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final BenchContext context;
    private final String etcdEndpoint;
    private final String prefix;
    private final Path log;
    private List<String> extraFlags = List.of();
    private LaunchedProcess process;
    private int grpcPort;
    private int httpPort;
    private Duration startToReady;

    private AllocatorProcess(BenchContext context, String etcdEndpoint, String prefix, Path log) {
        this.context = context;
        this.etcdEndpoint = etcdEndpoint;
        this.prefix = prefix;
        this.log = log;
    }

    /** Starts a server and waits for {@code /readyz} 200 (its etcd state is loaded). */
    public static AllocatorProcess start(BenchContext context, String name, String etcdEndpoint, String prefix)
            throws IOException, InterruptedException {
        AllocatorProcess server = new AllocatorProcess(
                context, etcdEndpoint, prefix, context.work().resolve("allocator-" + name + ".log"));
        server.launch();
        return server;
    }

    /** Stops the server and starts a new one on the same etcd and prefix (it loads what etcd holds). */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    /** Work done while the server is down, between a stop and the next start. */
    @FunctionalInterface
    public interface WhileDown {
        void run() throws Exception;
    }

    /**
     * Stops the server, runs whileDown (e.g. changes made in etcd meanwhile), and starts a new one
     * on the same etcd and prefix with these extra flags (they stay for later restarts).
     */
    public void restart(List<String> flags, WhileDown whileDown) throws Exception {
        stop();
        whileDown.run();
        extraFlags = List.copyOf(flags);
        launch();
    }

    private void launch() throws IOException {
        grpcPort = LoopbackPorts.free();
        httpPort = LoopbackPorts.free();
        List<String> args = new ArrayList<>(List.of(
                "--etcd-endpoints",
                etcdEndpoint,
                "--etcd-prefix",
                prefix,
                "--listen",
                "127.0.0.1:" + grpcPort,
                "--http-listen",
                "127.0.0.1:" + httpPort));
        args.addAll(extraFlags);
        List<String> command = context.javaCommand("io.weft.allocator.AllocatorMain", List.of(), args);
        long started = System.nanoTime();
        process = LaunchedProcess.start(command, log);
        process.awaitReady(httpPort, READY_TIMEOUT);
        startToReady = Duration.ofNanos(System.nanoTime() - started);
    }

    public ServerAddress grpcAddress() {
        return new ServerAddress("127.0.0.1", grpcPort);
    }

    /** A scrape of the server's own {@code /metrics} (Prometheus text). */
    public PrometheusScrape metrics() throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                    .timeout(Duration.ofSeconds(10))
                    .GET()
                    .build();
            return PrometheusScrape.parse(
                    http.send(request, HttpResponse.BodyHandlers.ofString()).body());
        }
    }

    /** From launching the JVM to {@code /readyz} 200, for the latest start. */
    public Duration startToReady() {
        return startToReady;
    }

    public long pid() {
        return process.pid();
    }

    /** Used heap after full collections, read over JMX from inside the server's JVM. */
    public long heapUsedAfterGc() throws Exception {
        try (RemoteJvm jvm = RemoteJvm.attach(process.pid())) {
            return jvm.memory().heapUsedAfterGc();
        }
    }

    /** The server's JVM, for a closer look (heap by class); the caller closes it. */
    public RemoteJvm attach() throws Exception {
        return RemoteJvm.attach(process.pid());
    }

    private void stop() throws InterruptedException {
        if (process != null) {
            process.stop(STOP_GRACE);
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (process != null) {
                process.close();
            }
        }
    }
}
