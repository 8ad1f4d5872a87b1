package io.weft.etcd.testing;

import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition on real processes: checks it repeatedly until it holds or a deadline passes. */
final class Polling {

    private static final Duration INTERVAL = Duration.ofMillis(20);

    private Polling() {}

    /** Returns once {@code condition} holds; fails the test naming {@code what} after {@code timeout}. */
    static void until(Duration timeout, String what, BooleanSupplier condition) {
        untilPresent(timeout, what, () -> condition.getAsBoolean() ? Optional.of(Boolean.TRUE) : Optional.empty());
    }

    /** The first present value of {@code probe}; fails the test naming {@code what} after {@code timeout}. */
    static <T> T untilPresent(Duration timeout, String what, Supplier<Optional<T>> probe) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<T> value = probe.get();
            if (value.isPresent()) {
                return value.get();
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("not true within " + timeout + ": " + what);
            }
            try {
                Thread.sleep(INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, e);
            }
        }
    }
}
