package io.weft.client;

import java.time.Duration;
import java.time.Instant;

/**
 * The time source and timer of {@link LeaseKeeper} and {@link LeaseWatch}. Behind an interface so
 * that tests drive renewals and back-off with a manual clock instead of sleeping.
 *
 * <p>Implementations must be thread-safe. Tasks may run on any thread, but never two at once for
 * one scheduler, so code driven by one scheduler needs no locking against itself.
 */
public interface Scheduler {

    /** The current time on this scheduler's clock. */
    Instant now();

    /** Runs {@code task} once, {@code delay} from now (zero or negative: as soon as possible). */
    Cancellable schedule(Duration delay, Runnable task);
}
