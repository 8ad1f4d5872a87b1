package io.weft.faults;

import static org.awaitility.Awaitility.await;

import io.weft.client.ServerAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One allocator-server replica as a real process ({@code AllocatorMain}), so that a kill is a
 * real {@code kill -9}. Its gRPC and HTTP ports are picked once and kept, so a restarted replica
 * comes back at the address the clients know. Output is appended to {@code <name>.log}.
 */
final class ServerReplica implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final String name;
    private final List<String> command;
    private final Path log;
    private final int grpcPort;
    private final int httpPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private volatile Process process;

    ServerReplica(String name, ReplicaLaunch launch, List<String> etcdEndpoints, Duration leaseTtl, Path workDir)
            throws IOException {
        this.name = name;
        this.grpcPort = freePort();
        this.httpPort = freePort();
        this.log = workDir.resolve(name + ".log");
        List<String> args = new ArrayList<>(launch.javaCommand());
        args.addAll(List.of("io.weft.allocator.AllocatorMain",
                "--etcd-endpoints", String.join(",", etcdEndpoints),
                "--listen", "127.0.0.1:" + grpcPort,
                "--http-listen", "127.0.0.1:" + httpPort,
                "--lease-ttl", leaseTtl.toSeconds() + "s"));
        this.command = List.copyOf(args);
    }

    String name() {
        return name;
    }

    ServerAddress address() {
        return new ServerAddress("127.0.0.1", grpcPort);
    }

    /** Launches the process and returns once {@code /readyz} answers 200. */
    void start() throws IOException {
        Process started = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        process = started;
        await().atMost(READY_WITHIN).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!started.isAlive()) {
                throw new IllegalStateException(name + " exited with " + started.exitValue() + "; see " + log);
            }
            return ready();
        });
    }

    /** kill -9, as a crash; returns once the process is gone. */
    void kill() throws InterruptedException {
        Process current = process;
        current.destroyForcibly();
        current.waitFor();
    }

    /** SIGTERM and the shutdown hook's graceful close; SIGKILL if that takes too long. */
    void stop() throws InterruptedException {
        Process current = process;
        if (current == null || !current.isAlive()) {
            return;
        }
        current.destroy();
        if (!current.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
            current.destroyForcibly();
            current.waitFor();
        }
    }

    /** SIGSTOP: the replica freezes with its connections open, as in a long GC pause. */
    void pause() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT: undoes {@link #pause()}. */
    void resume() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    boolean isAlive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    private boolean ready() {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/readyz"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() throws InterruptedException {
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
            current.waitFor();
        }
        http.close();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
