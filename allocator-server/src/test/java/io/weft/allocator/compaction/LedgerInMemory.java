package io.weft.allocator.compaction;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A small stateful stand-in for etcd as the compactor sees it: a head revision that writes move
 * on, the shared key's version, and the compacted revision. Shared by several compactors, it
 * plays one etcd under several replicas. {@code EtcdCompactionIT} holds the etcd one to the same
 * behaviour.
 */
final class LedgerInMemory implements CompactionLedger {

    long head = 1;
    long version;
    long compacted;
    boolean unreachable;
    boolean outOfSpace;
    CompletableFuture<Claim> pendingClaim;
    final List<Long> compactions = new ArrayList<>();

    /** Someone wrote to etcd (a renewal, say). */
    void write(int writes) {
        head += writes;
    }

    /** etcd's data was wiped: it counts revisions from 1 again and the key is gone. */
    void wipe() {
        head = 1;
        version = 0;
        compacted = 0;
    }

    @Override
    public synchronized CompletableFuture<Claim> claim(long expectedVersion) {
        if (pendingClaim != null) {
            return pendingClaim;
        }
        if (unreachable) {
            return CompletableFuture.failedFuture(new IllegalStateException("etcd unreachable"));
        }
        if (outOfSpace) {
            return CompletableFuture.failedFuture(new OutOfSpaceException("etcd is out of space"));
        }
        if (version != expectedVersion) {
            return CompletableFuture.completedFuture(new Claim(false, version, head));
        }
        version++;
        head++;
        return CompletableFuture.completedFuture(new Claim(true, version, head));
    }

    @Override
    public synchronized CompletableFuture<Long> headRevision() {
        return unreachable
                ? CompletableFuture.failedFuture(new IllegalStateException("etcd unreachable"))
                : CompletableFuture.completedFuture(head);
    }

    @Override
    public synchronized CompletableFuture<Compaction> compact(long revision) {
        if (unreachable) {
            return CompletableFuture.failedFuture(new IllegalStateException("etcd unreachable"));
        }
        if (revision <= compacted) {
            return CompletableFuture.completedFuture(Compaction.ALREADY_COMPACTED);
        }
        if (revision > head) {
            return CompletableFuture.completedFuture(Compaction.FUTURE_REVISION);
        }
        compacted = revision;
        compactions.add(revision);
        return CompletableFuture.completedFuture(Compaction.COMPACTED);
    }
}
