package io.weft.node.e2e;

import static org.awaitility.Awaitility.await;

import io.weft.etcd.Signal;
import io.weft.testsupport.LaunchedProcess;
import io.weft.testsupport.NetworkNamespace;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A weft launcher from bin/ running as a real process inside a network namespace, its output
 * in a log file; closing it sends SIGTERM (the namespace's `ip netns exec` passes it on).
 */
final class WeftProcess implements AutoCloseable {

    /** The repository root, from the module folder the tests run in. */
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final LaunchedProcess process;
    final Path log;

    private WeftProcess(LaunchedProcess process, Path log) {
        this.process = process;
        this.log = log;
    }

    static WeftProcess start(String netns, Path log, String launcher, String... args) throws IOException {
        return start(netns, log, Map.of(), launcher, args);
    }

    /** As {@link #start(String, Path, String, String...)}, with these variables added to its environment. */
    static WeftProcess start(String netns, Path log, Map<String, String> environment, String launcher, String... args)
            throws IOException {
        List<String> command =
                new ArrayList<>(List.of(REPO.resolve("bin").resolve(launcher).toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(NetworkNamespace.inside(netns, command));
        builder.environment().putAll(environment);
        return new WeftProcess(LaunchedProcess.start(builder, log), log);
    }

    /**
     * Returns once {@code ready} holds (its /readyz asked inside the namespace, where this JVM
     * cannot reach); fails at once, with the log, if the process exits first.
     */
    void awaitReady(Duration within, BooleanSupplier ready) {
        await().atMost(within).pollInterval(Duration.ofMillis(250)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException(log + ": exited while starting:\n" + process.output());
            }
            return ready.getAsBoolean();
        });
    }

    /** Waits for the process to exit by itself; answers its exit code, or -1 if it still runs. */
    int awaitExit(Duration timeout) throws InterruptedException {
        return process.awaitExit(timeout);
    }

    /** The process id: the JVM's (`ip netns exec` and the launcher both exec). */
    long pid() {
        return process.pid();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends a signal (e.g. STOP, CONT) to the launcher's JVM only: `ip netns exec` and the
     * launcher both exec, so the process is the JVM itself; its children (the allocator's local
     * etcd) are left alone.
     */
    void signal(Signal signal) {
        String command = process.process().info().command().orElse("");
        if (!command.endsWith("/java")) {
            throw new IllegalStateException("process " + process.pid() + " is " + command + ", not the JVM");
        }
        process.signal(signal);
    }

    /** SIGKILL, as a crash would. */
    void kill() throws InterruptedException {
        process.kill();
    }

    @Override
    public void close() {
        process.process().descendants().forEach(ProcessHandle::destroy);
        try {
            process.stop(STOP_GRACE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process.close();
    }
}
