package io.weft.allocator.store;

import java.util.List;

/** The answer to a fenced write: it happened, or it did not and here is what etcd holds now. */
public sealed interface WriteOutcome {

    /**
     * Every compare held; every key was written at this revision. changes holds what the write
     * did to each key, as the watch will deliver it, so the writer's own view can apply it
     * through the same path as the watch.
     */
    record Written(long revision, List<StoreEvent> changes) implements WriteOutcome {
        public Written {
            changes = List.copyOf(changes);
        }
    }

    /**
     * A compare failed and nothing changed. current holds, for every key the write compared,
     * what etcd has there at revision: a {@link StoreEvent.LeasePut} or {@link StoreEvent.Skipped}
     * for a present lease key, a {@link StoreEvent.LeaseDeleted} at revision for an absent one,
     * a {@link StoreEvent.ClaimPut} or {@link StoreEvent.ClaimDeleted} for the claim, a
     * {@link StoreEvent.AddressPut} or {@link StoreEvent.AddressDeleted} for each address claim.
     */
    record Conflict(long revision, List<StoreEvent> current) implements WriteOutcome {}
}
