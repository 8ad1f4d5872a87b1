package io.weft.allocator.service;

import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.StoreEvent;
import java.time.InstantSource;
import java.util.List;

/**
 * Applies to the index what etcd answered this server, ahead of the watch: the changes a write
 * made, or what a failed write's compared keys (or a read) hold now, so the next decision starts
 * from etcd's state instead of repeating a stale one. Every apply is ordered by revision in the
 * index, so a late answer never undoes a newer state.
 */
final class StoreAnswers {

    private final LeaseIndex index;
    private final InstantSource clock;

    StoreAnswers(LeaseIndex index, InstantSource clock) {
        this.index = index;
        this.clock = clock;
    }

    void apply(List<StoreEvent> changes) {
        index.applyAll(changes, false, clock.instant());
    }
}
