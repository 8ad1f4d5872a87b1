package io.weft.allocator.store;

import java.util.List;

/** The answer to a fenced write: it happened, or it did not and here is what etcd holds now. */
public sealed interface WriteOutcome {

    /** Every compare held; every key was written at this revision. */
    record Written(long revision) implements WriteOutcome {
    }

    /**
     * A compare failed and nothing changed. current holds, for every key the write compared,
     * what etcd has there at revision: a {@link StoreEvent.LeasePut} or {@link StoreEvent.Skipped}
     * for a present lease key, a {@link StoreEvent.LeaseDeleted} at revision for an absent one,
     * a {@link StoreEvent.ClaimPut} or {@link StoreEvent.ClaimDeleted} for the claim, a
     * {@link StoreEvent.AddressPut} or {@link StoreEvent.AddressDeleted} for each address claim.
     */
    record Conflict(long revision, List<StoreEvent> current) implements WriteOutcome {
    }
}
