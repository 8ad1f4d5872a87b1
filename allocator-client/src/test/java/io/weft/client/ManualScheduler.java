package io.weft.client;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose clock moves only when a test calls {@link #advance}, running the tasks
 * that fall due on the test's thread, in time order. Nothing sleeps.
 */
public final class ManualScheduler implements Scheduler {

    private record Task(Instant due, long sequence, Runnable action, boolean[] cancelled) {}

    private final PriorityQueue<Task> tasks = new PriorityQueue<>((a, b) -> {
        int byTime = a.due().compareTo(b.due());
        return byTime != 0 ? byTime : Long.compare(a.sequence(), b.sequence());
    });
    private Instant now;
    private long sequence;

    public ManualScheduler(Instant start) {
        this.now = start;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        Duration wait = delay.isNegative() ? Duration.ZERO : delay;
        tasks.add(new Task(now.plus(wait), sequence++, task, cancelled));
        return () -> {
            synchronized (this) {
                cancelled[0] = true;
            }
        };
    }

    /** Moves the clock forward by {@code duration}, running every task due on the way. */
    public void advance(Duration duration) {
        Instant target;
        synchronized (this) {
            target = now.plus(duration);
        }
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.peek();
                if (next == null || next.due().isAfter(target)) {
                    now = target;
                    return;
                }
                tasks.poll();
                now = next.due();
                if (next.cancelled()[0]) {
                    continue;
                }
            }
            next.action().run();
        }
    }

    /** Runs the tasks due now. */
    public void runDue() {
        advance(Duration.ZERO);
    }

    /** The delays from now of the tasks waiting to run, soonest first. */
    public synchronized List<Duration> pendingDelays() {
        List<Duration> delays = new ArrayList<>();
        tasks.stream()
                .filter(task -> !task.cancelled()[0])
                .sorted(tasks.comparator())
                .forEach(task -> delays.add(Duration.between(now, task.due())));
        return delays;
    }
}
