package io.weft.allocator;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the process's shutdown steps within a limit. A step that waits on something that never
 * comes (a lock held by a stuck thread, an executor that does not drain, an etcd that does not
 * answer) must not keep the process alive after SIGTERM: past the limit the overrun action runs
 * (in production: kill child processes such as the local etcd, then halt the JVM).
 */
final class BoundedShutdown {

    private static final Logger LOG = LoggerFactory.getLogger(BoundedShutdown.class);

    /** Well under the 10 s a supervisor usually grants between SIGTERM and SIGKILL. */
    static final Duration LIMIT = Duration.ofSeconds(8);

    private final Duration limit;
    private final Runnable overrun;

    BoundedShutdown(Duration limit, Runnable overrun) {
        this.limit = limit;
        this.overrun = overrun;
    }

    /** The production policy: past {@link #LIMIT}, kill every child process and halt. */
    static BoundedShutdown haltingAfterLimit() {
        return new BoundedShutdown(LIMIT, () -> {
            ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
            Runtime.getRuntime().halt(1);
        });
    }

    /** Runs the steps on their own thread; answers once they finish or the overrun action has run. */
    void run(Runnable steps) {
        Thread worker = Thread.ofPlatform().name("weft-shutdown").daemon().start(steps);
        boolean finished;
        try {
            finished = worker.join(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            LOG.error(
                    "shutdown did not finish within {} ms (stuck in: {}); stopping at once",
                    limit.toMillis(),
                    topFrame(worker));
            overrun.run();
        }
    }

    private static String topFrame(Thread worker) {
        StackTraceElement[] stack = worker.getStackTrace();
        return stack.length == 0 ? "unknown" : stack[0].toString();
    }
}
