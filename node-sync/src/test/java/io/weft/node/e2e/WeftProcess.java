package io.weft.node.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A weft launcher from bin/ running as a real process inside a network namespace, its output
 * in a log file; closing it sends SIGTERM (the namespace's `ip netns exec` passes it on).
 */
final class WeftProcess implements AutoCloseable {

    /** The repository root, from the module folder the tests run in. */
    static final Path REPO = Path.of("").toAbsolutePath().getParent();

    private final Process process;
    final Path log;

    private WeftProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    static WeftProcess start(String netns, Path log, String launcher, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", netns,
                REPO.resolve("bin").resolve(launcher).toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        return new WeftProcess(process, log);
    }

    /** Waits for the process to exit by itself; answers its exit code, or -1 if it still runs. */
    int awaitExit(java.time.Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Sends a signal (e.g. STOP, CONT) to the launcher's JVM only: `ip netns exec` and the
     * launcher both exec, so the process is the JVM itself; its children (the allocator's local
     * etcd) are left alone.
     */
    void signal(String name) {
        String command = ProcessHandle.of(process.pid()).flatMap(h -> h.info().command()).orElse("");
        if (!command.endsWith("/java")) {
            throw new IllegalStateException("process " + process.pid() + " is " + command + ", not the JVM");
        }
        Shell.run("kill", "-" + name, Long.toString(process.pid()));
    }

    /** SIGKILL, as a crash would. */
    void kill() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
