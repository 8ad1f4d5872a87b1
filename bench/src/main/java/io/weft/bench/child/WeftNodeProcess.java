package io.weft.bench.child;

import io.weft.testsupport.LaunchedProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One real weft-node, started with the checkout's {@code bin/weft-node} (which execs the JVM, so
 * the launched pid is the agent's), timed from process start to {@code /readyz} 200: lease held,
 * subnet.env written, first full sync of its peers applied to the kernel.
 */
final class WeftNodeProcess implements AutoCloseable {

    static final int HTTP_PORT = 7072;

    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final LaunchedProcess process;
    private final long startedNanos;

    private WeftNodeProcess(LaunchedProcess process, long startedNanos) {
        this.process = process;
        this.startedNanos = startedNanos;
    }

    /** Starts {@code launcher}, its output in {@code work/<name>.log}, with {@code environment} added. */
    static WeftNodeProcess start(Path launcher, int serverPort, Path work, String name, Map<String, String> environment)
            throws IOException {
        List<String> command = List.of(
                launcher.toString(),
                "--server",
                "127.0.0.1:" + serverPort,
                "--node-name",
                "bench-node",
                "--iface",
                "eth0",
                "--subnet-file",
                work.resolve("subnet.env").toString(),
                "--http-listen",
                "127.0.0.1:" + HTTP_PORT);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        long started = System.nanoTime();
        return new WeftNodeProcess(LaunchedProcess.start(builder, work.resolve(name + ".log")), started);
    }

    /** Milliseconds from process start to the first {@code /readyz} 200. */
    long awaitReadyMillis(Duration timeout) {
        process.awaitReady(HTTP_PORT, timeout);
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }

    /** Milliseconds from process start to {@code file} existing (weft-node writes subnet.env whole, then renames it). */
    long awaitFileMillis(Path file, Duration timeout) throws IOException, InterruptedException {
        long deadline = startedNanos + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("weft-node wrote no " + file.getFileName() + "; see " + process.log());
            }
            Thread.sleep(1);
        }
        return (System.nanoTime() - startedNanos) / 1_000_000;
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
        try {
            process.stop(STOP_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process.close();
        }
    }
}
