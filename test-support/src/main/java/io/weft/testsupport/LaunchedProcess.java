package io.weft.testsupport;

import io.weft.etcd.Signal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A weft daemon (weft-allocator, weft-node) launched as its own process for a test, the fault
 * suite or a benchmark, its output appended to a log file: started, waited for until its
 * {@code /readyz} answers 200, signalled, stopped. Closing it kills it and its children.
 *
 * <p>Thread-safe for signals and stops; one launch per instance.
 */
public final class LaunchedProcess implements AutoCloseable {

    private static final int LOG_TAIL_LINES = 30;

    private final Process process;
    private final Path log;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private LaunchedProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Starts {@code command} with its stdout and stderr appended to {@code log}. */
    public static LaunchedProcess start(List<String> command, Path log) throws IOException {
        return start(new ProcessBuilder(command), log);
    }

    /** Starts the builder's command (its environment as the caller set it), output appended to {@code log}. */
    public static LaunchedProcess start(ProcessBuilder builder, Path log) throws IOException {
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new LaunchedProcess(process, log);
    }

    /**
     * Returns once {@code http://127.0.0.1:PORT/readyz} answers 200.
     *
     * @throws IllegalStateException with the log's tail when the process exits first or is not
     *                               ready within {@code within}
     */
    public void awaitReady(int httpPort, Duration within) {
        try (Readyz readyz = Readyz.on(httpPort)) {
            readyz.await(within, () -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(process.info().command().orElse("the process") + " exited with "
                            + process.exitValue() + " while starting; " + tail());
                }
            });
        } catch (IllegalStateException e) {
            if (!process.isAlive()) {
                throw e;
            }
            throw new IllegalStateException(e.getMessage() + "; " + tail(), e);
        }
    }

    /** The HTTP status of GET {@code http://127.0.0.1:PORT/PATH}, or -1 while nothing answers. */
    public int status(int port, String path) {
        try {
            return http.send(get(port, path), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of GET {@code http://127.0.0.1:PORT/PATH}; IllegalStateException unless it answers 200. */
    public String body(int port, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(get(port, path), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException(
                    "GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return response.body();
    }

    /** Sends the signal to this process only (not its children). */
    public void signal(Signal signal) {
        signal.sendTo(process.pid());
    }

    /** SIGTERM, and SIGKILL if it has not exited within {@code grace}; returns once it is gone. */
    public void stop(Duration grace) throws InterruptedException {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            kill();
        }
    }

    /** SIGKILL to it and its children, as a crash; returns once it is gone. */
    public void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor();
    }

    /** Waits for it to exit by itself; answers its exit code, or -1 while it still runs. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public long pid() {
        return process.pid();
    }

    /** The process itself, for what this class does not offer (its descendants, its info). */
    public Process process() {
        return process;
    }

    public Path log() {
        return log;
    }

    /** Everything it has printed so far. */
    public String output() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "(" + log + " unreadable: " + e.getMessage() + ")";
        }
    }

    /** Kills it and its children. */
    @Override
    public void close() {
        try {
            kill();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            http.close();
        }
    }

    private String tail() {
        List<String> lines = output().lines().toList();
        return "the last lines of " + log + ":\n"
                + String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build();
    }
}
