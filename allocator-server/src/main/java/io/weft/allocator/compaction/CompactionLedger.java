package io.weft.allocator.compaction;

import java.util.concurrent.CompletableFuture;

/**
 * What replicas share to compact etcd's history together: one key whose version counts the
 * compaction rounds, and the compaction itself.
 *
 * <p>Contract: {@link #claim} is one atomic compare-and-swap on the key's version, so of any
 * number of replicas that claim with the same expected version at most one wins, and the
 * version then moves on by exactly one. Both methods are thread-safe and never block; a failed
 * future means etcd could not be asked (the caller tries again next round).
 */
public interface CompactionLedger {

    /**
     * Claims the next round if the key's version is still {@code expectedVersion}.
     *
     * @return whether this caller won, the key's version after the attempt (0 when the key does
     *     not exist) and etcd's revision when it answered
     */
    CompletableFuture<Claim> claim(long expectedVersion);

    /** Compacts etcd's history up to (not including) {@code revision}. */
    CompletableFuture<Compaction> compact(long revision);

    /** etcd's current revision: a read, so it works while etcd refuses writes. */
    CompletableFuture<Long> headRevision();

    /**
     * How {@link #claim} fails when etcd refuses every write because its database reached its
     * quota (the NOSPACE alarm): reads and compactions still work.
     */
    final class OutOfSpaceException extends RuntimeException {
        public OutOfSpaceException(String message) {
            super(message);
        }
    }

    /**
     * The answer to a claim.
     *
     * @param won      whether this caller moved the version on
     * @param version  the key's version now
     * @param revision etcd's revision at the answer: what a winner compacts to one round later
     */
    record Claim(boolean won, long version, long revision) {}

    /** What a compaction request did. */
    enum Compaction {
        /** The history before the revision is gone now. */
        COMPACTED,
        /** Someone (an operator, another tool) had already compacted at or past the revision. */
        ALREADY_COMPACTED,
        /** The revision is beyond etcd's head: etcd lost its data and counts from 1 again. */
        FUTURE_REVISION
    }
}
