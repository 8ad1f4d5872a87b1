package io.weft.allocator.store;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The storage seam: flannel's keys in etcd, shaped like storage, not like the allocator.
 * Every method is asynchronous and thread-safe. A future that fails with
 * {@link StoreUnavailableException} means etcd could not be reached or answered with an
 * error; nothing is known to have changed. Every write is fenced by the mod revisions of the
 * keys it touches and answers a {@link WriteOutcome}: written, or what etcd holds now.
 */
public interface LeaseStore extends AutoCloseable {

    /** Reads the config and every lease at one revision, in pages that fit gRPC's size limit. */
    CompletableFuture<Snapshot> snapshot();

    /** etcd's current revision (one cheap read). */
    CompletableFuture<Long> currentRevision();

    /** Writes the config key unconditionally; answers its revision. */
    CompletableFuture<Long> putConfig(String json);

    /** Grants an etcd lease with this TTL; answers its id. */
    CompletableFuture<Long> grant(Duration ttl);

    /** The remaining TTL in seconds of an etcd lease, or empty when it no longer exists. */
    CompletableFuture<OptionalLong> timeToLive(long etcdLeaseId);

    /**
     * Writes a lease key that has no node claim (a reservation, or a rewrite of flanneld's
     * lease) on etcdLeaseId (0: none) if its mod revision is still expectedModRevision (0:
     * absent), with the address claims of the value's node put (on the same etcd lease) and
     * deleted as given, each compared too.
     */
    CompletableFuture<WriteOutcome> compareAndPut(
            SubnetKey subnet, LeaseValue value, long etcdLeaseId, long expectedModRevision, AddressFences addresses);

    /**
     * Deletes a lease key that has no node claim if its mod revision is still the expected one,
     * with the address claims given, each compared too.
     */
    CompletableFuture<WriteOutcome> compareAndDelete(
            SubnetKey subnet, long expectedModRevision, List<AddressFence> addresses);

    /**
     * Writes a node's lease key and its claim key in one transaction, both on the write's etcd
     * lease, if the lease key's and the claim's mod revisions are the expected ones (and the
     * retired lease's, which is deleted in the same transaction). Nothing else can give one
     * node two leases: every write that names a node in a lease compares its claim. The
     * write's address claims are put (on the same etcd lease) or deleted in the same
     * transaction, each compared too: no two nodes ever hold one public IP or VTEP MAC.
     */
    CompletableFuture<WriteOutcome> putWithClaim(LeaseWrite write);

    /**
     * Deletes a lease key, its node's claim and the node's address claims in one transaction, if
     * every mod revision is the expected one (the claim's must be non-zero: it names this lease).
     */
    CompletableFuture<WriteOutcome> deleteWithClaim(
            SubnetKey subnet,
            long expectedModRevision,
            String nodeName,
            long expectedClaimRevision,
            List<AddressFence> addresses);

    /**
     * What etcd holds now at a lease key, as an event: {@link StoreEvent.LeasePut}, a
     * {@link StoreEvent.Skipped} naming the subnet, or {@link StoreEvent.LeaseDeleted} at the
     * read's revision when the key is absent.
     */
    CompletableFuture<StoreEvent> read(SubnetKey subnet);

    /**
     * Streams every change under the prefix after fromRevision, in revision order, to the
     * listener (on one thread at a time). The stream ends with exactly one call to
     * {@link WatchListener#onCompacted} or {@link WatchListener#onFailed}, or by closing it.
     */
    AutoCloseable watch(long fromRevision, WatchListener listener);

    /**
     * The changes under the prefix after fromRevision up to and including throughRevision, read
     * from etcd's history in revision order and decoded as {@link #watch} decodes them (keys
     * watch skips are skipped here too). Fails with {@link StoreUnavailableException} when etcd
     * has compacted that history, holds more than maxEvents changes in it, or cannot be read.
     * A store without history answers that failure at once; callers fall back to a snapshot.
     */
    default CompletableFuture<List<StoreEvent>> history(long fromRevision, long throughRevision, int maxEvents) {
        return CompletableFuture.failedFuture(new StoreUnavailableException("this store keeps no history", null));
    }

    /** Receives the events of one watch. */
    interface WatchListener {
        void onEvent(StoreEvent event);

        /**
         * Every change etcd committed at one revision, in order (one transaction may change many
         * keys, several leases among them when writes share a transaction). By default each goes
         * to {@link #onEvent}; a listener that reports revisions overrides this to apply them
         * together, so no one sees a revision with only some of its changes.
         */
        default void onRevision(List<StoreEvent> events) {
            events.forEach(this::onEvent);
        }

        /** fromRevision is older than etcd's compacted revision: re-read a snapshot. */
        void onCompacted(long compactedRevision);

        void onFailed(Throwable cause);
    }

    @Override
    void close();
}
