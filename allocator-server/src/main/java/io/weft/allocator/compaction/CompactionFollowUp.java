package io.weft.allocator.compaction;

import java.util.concurrent.CompletableFuture;

/**
 * What runs after this replica compacted etcd, inside the same round (so rounds never overlap
 * it). Implementations never throw: a failed future is logged by the caller and forgotten.
 */
@FunctionalInterface
public interface CompactionFollowUp {

    CompactionFollowUp NONE = revision -> CompletableFuture.completedFuture(null);

    CompletableFuture<Void> compacted(long revision);
}
