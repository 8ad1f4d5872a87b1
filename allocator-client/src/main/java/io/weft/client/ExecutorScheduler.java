package io.weft.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
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

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future =
                executor.schedule(() -> runLogged(task), Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
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
