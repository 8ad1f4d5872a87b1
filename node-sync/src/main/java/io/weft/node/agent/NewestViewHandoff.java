package io.weft.node.agent;

import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Hands views to a consumer on an executor, newest only: a view offered while an earlier one
 * still waits for the executor replaces it, and a view is made (its supplier called) only when
 * the executor takes it. A burst of lease events (a thousand nodes joining a 30,000-node
 * network) then costs one reconcile per burst on the kernel thread, not one per event, and no
 * copy of the lease map waits in memory per event (each is megabytes at that size).
 *
 * <p>Thread-safe: any thread may offer; the consumer runs on the executor, one view at a time
 * when the executor is single-threaded (the kernel thread is).
 */
final class NewestViewHandoff<T> {

    private final Executor executor;
    private final Consumer<T> consumer;
    private final AtomicReference<Supplier<T>> waiting = new AtomicReference<>();

    NewestViewHandoff(Executor executor, Consumer<T> consumer) {
        this.executor = executor;
        this.consumer = consumer;
    }

    /** Hands the view over; replaces one that has not been taken yet. */
    void offer(Supplier<T> view) {
        if (waiting.getAndSet(view) == null) {
            executor.execute(this::take);
        }
    }

    private void take() {
        Supplier<T> newest = waiting.getAndSet(null);
        if (newest != null) {
            consumer.accept(newest.get());
        }
    }
}
