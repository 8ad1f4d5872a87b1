package io.weft.allocator.service;

import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.StoreEvent;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;

/**
 * Applies to the index what etcd answered about the keys a failed write compared (or a read
 * returned), so the next decision starts from etcd's state instead of repeating a stale one.
 * Every apply is ordered by revision in the index, so a late answer never undoes a newer state.
 */
final class StoreAnswers {

    private final LeaseIndex index;
    private final InstantSource clock;

    StoreAnswers(LeaseIndex index, InstantSource clock) {
        this.index = index;
        this.clock = clock;
    }

    void apply(List<StoreEvent> current) {
        Instant now = clock.instant();
        for (StoreEvent state : current) {
            switch (state) {
                case StoreEvent.LeasePut put -> index.applyPut(put.lease(), false);
                case StoreEvent.LeaseDeleted deleted -> index.applyDelete(deleted.subnet(), deleted.revision(), false, now);
                case StoreEvent.ClaimPut claim -> index.applyClaim(claim.claim(), false);
                case StoreEvent.ClaimDeleted deleted ->
                        index.applyClaimDeleted(deleted.nodeName(), deleted.revision(), false);
                case StoreEvent.AddressPut address -> index.applyAddressClaim(address.claim(), false);
                case StoreEvent.AddressDeleted deleted ->
                        index.applyAddressClaimDeleted(deleted.address(), deleted.revision(), false);
                default -> { }
            }
        }
    }
}
