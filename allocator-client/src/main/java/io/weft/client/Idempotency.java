package io.weft.client;

/** Whether repeating a call after an unknown outcome is harmless, and so may be retried. */
enum Idempotency {
    /** Reads, and writes whose repetition leaves the same state (acquire, renew, release). */
    IDEMPOTENT,
    /** Writes whose repetition could fail or differ, so the caller decides. */
    NOT_IDEMPOTENT
}
