package io.weft.bench.lab;

import io.weft.bench.BenchContext;
import io.weft.client.ServerAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * allocator-server as its own JVM ({@code io.weft.allocator.AllocatorMain}, what
 * {@code bin/weft-allocator} runs) on free loopback ports, over a given etcd and prefix. A
 * separate process so that its CPU, heap and JIT are its own: clients in the bench JVM reach it
 * over gRPC on loopback, as nodes would over the network.
 */
public final class AllocatorProcess implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    private final BenchContext context;
    private final String etcdEndpoint;
    private final String prefix;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Process process;
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
        AllocatorProcess server = new AllocatorProcess(context, etcdEndpoint, prefix,
                context.work().resolve("allocator-" + name + ".log"));
        server.launch();
        return server;
    }

    /** Stops the server and starts a new one on the same etcd and prefix (it loads what etcd holds). */
    public void restart() throws IOException, InterruptedException {
        stop();
        launch();
    }

    private void launch() throws IOException, InterruptedException {
        grpcPort = freeLoopbackPort();
        httpPort = freeLoopbackPort();
        List<String> command = context.javaCommand("io.weft.allocator.AllocatorMain", List.of(), List.of(
                "--etcd-endpoints", etcdEndpoint, "--etcd-prefix", prefix,
                "--listen", "127.0.0.1:" + grpcPort, "--http-listen", "127.0.0.1:" + httpPort));
        long started = System.nanoTime();
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        awaitReady();
        startToReady = Duration.ofNanos(System.nanoTime() - started);
    }

    private void awaitReady() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        while (true) {
            if (!process.isAlive()) {
                throw new IOException("allocator-server exited with " + process.exitValue() + " while starting; see "
                        + log + ":\n" + tail());
            }
            try {
                if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            if (System.nanoTime() > deadline) {
                throw new IOException("allocator-server not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + log);
            }
            Thread.sleep(10);
        }
    }

    public ServerAddress grpcAddress() {
        return new ServerAddress("127.0.0.1", grpcPort);
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
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            http.close();
        }
    }

    private String tail() throws IOException {
        List<String> lines = Files.readAllLines(log);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    static int freeLoopbackPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
