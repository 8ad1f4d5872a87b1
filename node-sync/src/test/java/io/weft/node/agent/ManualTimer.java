package io.weft.node.agent;

import io.weft.client.Cancellable;
import io.weft.client.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A {@link Scheduler} on a clock that moves only when a test says so; tasks run on the test's thread. */
final class ManualTimer implements Scheduler {

    private record Task(Instant due, Runnable action, boolean[] cancelled) {
    }

    private final List<Task> tasks = new ArrayList<>();
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Cancellable schedule(Duration delay, Runnable task) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now.plus(delay.isNegative() ? Duration.ZERO : delay), task, cancelled));
        return () -> cancelled[0] = true;
    }

    /** Moves the clock forward, running each task that falls due on the way, in order. */
    void advance(Duration duration) {
        Instant target = now.plus(duration);
        while (true) {
            Task next;
            synchronized (this) {
                next = tasks.stream().filter(t -> !t.due().isAfter(target)).min(Comparator.comparing(Task::due))
                        .orElse(null);
                if (next == null) {
                    now = target;
                    return;
                }
                tasks.remove(next);
                now = next.due();
            }
            if (!next.cancelled()[0]) {
                next.action().run();
            }
        }
    }
}
