package io.weft.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A {@link Scheduler} on the system clock and one daemon thread. */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorScheduler.class);

    private final Clock clock;
    private final ScheduledExecutorService executor;

    private ExecutorScheduler(Clock clock, ScheduledExecutorService executor) {
        this.clock = clock;
        this.executor = executor;
    }

    /** A scheduler with its own daemon thread named {@code threadName}. */
    public static ExecutorScheduler singleThread(String threadName) {
        return new ExecutorScheduler(
                Clock.systemUTC(),
                Executors.newSingleThreadScheduledExecutor(
                        Thread.ofPlatform().name(threadName).daemon(true).factory()));
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    /** After {@link #close()} the task is dropped: a closed scheduler runs nothing more. */
    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future;
        try {
            future = executor.schedule(() -> runLogged(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            // Something still running while its owner shuts down (a watch event, a reply) asked
            // for a later step: there is none.
            return () -> {};
        }
        return () -> future.cancel(false);
    }

    /** A task's throwable would otherwise vanish into its ScheduledFuture, which nobody reads. */
    private static void runLogged(Runnable task) {
        try {
            task.run();
        } catch (Throwable error) {
            LOG.error("a scheduled task failed", error);
        }
    }

    /** Stops the thread; tasks not yet started never run. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
