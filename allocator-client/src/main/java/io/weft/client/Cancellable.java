package io.weft.client;

/** Something started that can be stopped: a scheduled task or an open stream. */
@FunctionalInterface
public interface Cancellable {

    /** Stops it. Idempotent; cancelling something that already finished does nothing. */
    void cancel();
}
