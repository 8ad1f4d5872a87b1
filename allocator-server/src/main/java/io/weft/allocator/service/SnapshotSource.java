package io.weft.allocator.service;

import io.weft.allocator.store.StoredLease;
import io.weft.api.v1.WatchLeasesResponse;
import java.util.List;

/**
 * The lease set at one revision, copied by reference under the hub's lock in O(leases) pointer
 * copies; its messages are built chunk by chunk later, by the watcher that sends them, without
 * any shared lock held.
 */
public record SnapshotSource(List<StoredLease> leases, long revision, boolean reset, LeaseMessages messages) {

    /** Leases per SNAPSHOT message, to stay well under gRPC's 4 MiB default message limit. */
    public static final int CHUNK = 2000;

    public int chunkCount() {
        return Math.max(1, (leases.size() + CHUNK - 1) / CHUNK);
    }

    /** The index-th SNAPSHOT message; all but the last are marked {@code more}. */
    public WatchLeasesResponse chunk(int index) {
        int from = index * CHUNK;
        int to = Math.min(leases.size(), from + CHUNK);
        WatchLeasesResponse.Builder chunk = WatchLeasesResponse.newBuilder()
                .setType(WatchLeasesResponse.Type.SNAPSHOT)
                .setRevision(revision)
                .setReset(reset)
                .setMore(index < chunkCount() - 1);
        for (StoredLease lease : leases.subList(from, to)) {
            chunk.addLeases(messages.toMessage(lease, revision));
        }
        return chunk.build();
    }
}
