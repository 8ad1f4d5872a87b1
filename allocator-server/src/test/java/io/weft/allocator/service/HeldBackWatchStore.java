package io.weft.allocator.service;

import io.weft.allocator.store.LeaseStore;
import java.util.concurrent.CompletableFuture;

/** Holds the follower's first watch back until released; it then starts where it was asked to. */
final class HeldBackWatchStore extends ForwardingLeaseStore {
    private final CompletableFuture<Void> gate = new CompletableFuture<>();
    private boolean first = true;

    HeldBackWatchStore(LeaseStore delegate) {
        super(delegate);
    }

    void releaseHeldWatch() {
        gate.complete(null);
    }

    @Override
    public synchronized AutoCloseable watch(long fromRevision, WatchListener listener) {
        if (!first) {
            return super.watch(fromRevision, listener);
        }
        first = false;
        CompletableFuture<AutoCloseable> started = gate.thenApply(ignored -> super.watch(fromRevision, listener));
        return () -> started.thenAccept(watch -> {
            try {
                watch.close();
            } catch (Exception ignored) {
                // closing a watch that already ended
            }
        });
    }
}
