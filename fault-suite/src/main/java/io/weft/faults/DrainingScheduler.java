package io.weft.faults;

import io.weft.client.Cancellable;
import io.weft.client.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * A one-thread {@link Scheduler} whose {@link #close()} waits for the running task to finish,
 * dropping the delayed ones. A node that stops its keeper and then releases must know that no
 * renewal is still in flight: otherwise an acknowledgement could arrive after the release.
 */
final class DrainingScheduler implements Scheduler, AutoCloseable {

    private static final Duration DRAIN_WITHIN = Duration.ofSeconds(60);

    private final ScheduledThreadPoolExecutor executor;

    DrainingScheduler(String threadName) {
        executor = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().name(threadName).daemon(true).factory());
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
    }

    @Override
    public Instant now() {
        return Instant.now();
    }

    @Override
    public Cancellable schedule(Duration delay, Runnable task) {
        ScheduledFuture<?> future = executor.schedule(task, Math.max(0, delay.toNanos()), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() throws InterruptedException {
        executor.shutdown();
        if (!executor.awaitTermination(DRAIN_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("a lease keeper task did not finish within " + DRAIN_WITHIN);
        }
    }
}
