package io.weft.client;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/** A {@link Scheduler} on the system clock and one daemon thread. */
public final class ExecutorScheduler implements Scheduler, AutoCloseable {

    private final Clock clock;
    private final ScheduledExecutorService executor;

    private ExecutorScheduler(Clock clock, ScheduledExecutorService executor) {
        this.clock = clock;
        this.executor = executor;
    }

    /** A scheduler with its own daemon thread named {@code threadName}. */
    public static ExecutorScheduler singleThread(String threadName) {
        return new ExecutorScheduler(Clock.systemUTC(), Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(threadName).daemon(true).factory()));
    }

    @Override
    public Instant now() {
        return clock.instant();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(
                task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    /** Stops the thread; tasks not yet started never run. */
    @Override
    public void close() {
        executor.shutdownNow();
    }
}
