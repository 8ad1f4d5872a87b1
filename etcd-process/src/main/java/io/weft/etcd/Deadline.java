package io.weft.etcd;

import java.time.Duration;

/**
 * A point on the monotonic clock by which a wait must end. Only this package's process
 * supervision uses it: the waits are for real processes, so the real clock is the right one.
 */
record Deadline(long nanoTime) {

    static Deadline after(Duration timeout) {
        return new Deadline(System.nanoTime() + timeout.toNanos());
    }

    boolean hasPassed() {
        return System.nanoTime() - nanoTime >= 0;
    }

    /** Time left, never negative. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, nanoTime - System.nanoTime()));
    }
}
