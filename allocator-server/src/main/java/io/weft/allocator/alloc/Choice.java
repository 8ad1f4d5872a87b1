package io.weft.allocator.alloc;

import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;

/** What {@link SubnetAllocator} decided for one acquisition. */
public sealed interface Choice {

    /** The node already holds this lease (source "existing") or a reservation ("reservation"). */
    record Reuse(StoredLease lease, String source) implements Choice {}

    /**
     * Create this key (source "previous" or "new"). Its subnets are taken in the index; the
     * caller must write it or hand the subnets back with {@link LeaseIndex#returnUnused}.
     * replaces is the node's old lease when that no longer fits the network config (it was
     * changed with force): the caller deletes it once the new one is written. Null otherwise.
     */
    record Create(SubnetKey subnet, String source, StoredLease replaces) implements Choice {}

    /** No subnet of this family ("IPv4" or "IPv6") is free. */
    record Exhausted(String family) implements Choice {}
}
