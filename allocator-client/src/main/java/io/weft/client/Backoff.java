package io.weft.client;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * Exponential back-off: the first retry waits {@code initial}, each next one {@code multiplier}
 * times longer, never more than {@code max}. {@code jitter} (0 to 1) spreads each delay randomly
 * by up to that fraction so that many clients do not retry in lockstep; tests use 0.
 */
public record Backoff(Duration initial, double multiplier, Duration max, double jitter) {

    public Backoff {
        if (initial.isNegative() || initial.isZero()) {
            throw new IllegalArgumentException("backoff: initial must be positive, got " + initial);
        }
        if (multiplier < 1.0) {
            throw new IllegalArgumentException("backoff: multiplier must be >= 1, got " + multiplier);
        }
        if (max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff: max " + max + " is shorter than initial " + initial);
        }
        if (jitter < 0.0 || jitter >= 1.0) {
            throw new IllegalArgumentException("backoff: jitter must be in [0, 1), got " + jitter);
        }
    }

    /** 200 ms doubling up to 10 s, with 20 % jitter. */
    public static Backoff defaults() {
        return new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(10), 0.2);
    }

    /** The same schedule without randomness. */
    public Backoff withoutJitter() {
        return new Backoff(initial, multiplier, max, 0.0);
    }

    /** The schedule as resilience4j's interval function (attempt numbers start at 1). */
    public IntervalFunction intervalFunction() {
        return jitter == 0.0
                ? IntervalFunction.ofExponentialBackoff(initial, multiplier, max)
                : IntervalFunction.ofExponentialRandomBackoff(initial, multiplier, jitter, max);
    }

    /** How long to wait before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt) {
        return Duration.ofMillis(intervalFunction().apply(Math.max(1, attempt)));
    }
}
