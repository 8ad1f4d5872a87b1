package io.weft.allocator.service;

import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.Snapshot;
import java.util.concurrent.CompletableFuture;

/** Holds every snapshot read back until released: a replica that is still loading etcd's state. */
final class HeldBackSnapshotStore extends ForwardingLeaseStore {
    private final CompletableFuture<Void> gate = new CompletableFuture<>();

    HeldBackSnapshotStore(LeaseStore delegate) {
        super(delegate);
    }

    void release() {
        gate.complete(null);
    }

    @Override
    public CompletableFuture<Snapshot> snapshot() {
        return gate.thenCompose(ignored -> super.snapshot());
    }
}
