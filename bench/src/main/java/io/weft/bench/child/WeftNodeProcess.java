package io.weft.bench.child;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One real weft-node, started with the checkout's {@code bin/weft-node} (which execs the JVM, so
 * the launched pid is the agent's), timed from process start to {@code /readyz} 200: lease held,
 * subnet.env written, first full sync of its peers applied to the kernel.
 */
final class WeftNodeProcess implements AutoCloseable {

    static final int HTTP_PORT = 7072;

    private final Process process;
    private final long startedNanos;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private WeftNodeProcess(Process process, long startedNanos) {
        this.process = process;
        this.startedNanos = startedNanos;
    }

    /** Starts {@code launcher}, its output in {@code work/<name>.log}, with {@code environment} added. */
    static WeftNodeProcess start(Path launcher, int serverPort, Path work, String name, Map<String, String> environment)
            throws IOException {
        List<String> command = List.of(launcher.toString(), "--server", "127.0.0.1:" + serverPort,
                "--node-name", "bench-node", "--iface", "eth0", "--subnet-file", work.resolve("subnet.env").toString(),
                "--http-listen", "127.0.0.1:" + HTTP_PORT);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(work.resolve(name + ".log").toFile()));
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        return new WeftNodeProcess(builder.start(), started);
    }

    /** Milliseconds from process start to the first {@code /readyz} 200, polled every 10 ms. */
    long awaitReadyMillis(Duration timeout) throws IOException, InterruptedException {
        HttpRequest readyz = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + HTTP_PORT + "/readyz"))
                .timeout(Duration.ofSeconds(2)).GET().build();
        long deadline = startedNanos + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("weft-node exited with " + process.exitValue() + " before it was ready");
            }
            try {
                if (http.send(readyz, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return (System.nanoTime() - startedNanos) / 1_000_000;
                }
            } catch (IOException notListeningYet) {
                // keep polling
            }
            Thread.sleep(10);
        }
        throw new IOException("weft-node was not ready within " + timeout.toSeconds() + " s");
    }

    long pid() {
        return process.pid();
    }

    /** A field of /proc/PID/status in KiB, such as VmRSS (resident now) or VmHWM (resident peak). */
    long statusKib(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim().split("\\s+")[0]);
            }
        }
        throw new IOException("no " + field + " in /proc/" + process.pid() + "/status");
    }

    /** SIGTERM, as systemd would stop it; waits for it to exit. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            http.close();
        }
    }
}
