package io.weft.client;

/**
 * How {@link WeftClient} retries a unary call that failed with {@code UNAVAILABLE}: at most
 * {@code maxAttempts} attempts in all (1 means no retry), waiting {@code backoff} between them and
 * moving to the next server address after each failure.
 */
public record RetryPolicy(int maxAttempts, Backoff backoff) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("retry: maxAttempts must be >= 1, got " + maxAttempts);
        }
    }

    /** Five attempts with {@link Backoff#defaults()}. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(5, Backoff.defaults());
    }

    /** One attempt: failures reach the caller at once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Backoff.defaults());
    }
}
