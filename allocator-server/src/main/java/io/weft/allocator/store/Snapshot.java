package io.weft.allocator.store;

import java.util.List;
import java.util.Optional;

/**
 * Everything under the prefix at one revision.
 *
 * @param revision the etcd revision the snapshot was read at
 * @param config   the network config, if set
 * @param leases   every lease key that parsed, in key order
 * @param skipped  keys that did not parse (logged and counted, never acted on)
 * @param claims   every node's claim key
 * @param addresses every address's claim key
 */
public record Snapshot(
        long revision,
        Optional<StoredConfig> config,
        List<StoredLease> leases,
        List<StoreEvent.Skipped> skipped,
        List<NodeClaim> claims,
        List<AddressClaim> addresses) {

    /** A snapshot with node claims but no address claims (written before weft claimed addresses). */
    public Snapshot(
            long revision,
            Optional<StoredConfig> config,
            List<StoredLease> leases,
            List<StoreEvent.Skipped> skipped,
            List<NodeClaim> claims) {
        this(revision, config, leases, skipped, claims, List.of());
    }

    /** A snapshot of a prefix no weft node has claimed a lease in (flanneld's, or a test's). */
    public Snapshot(
            long revision, Optional<StoredConfig> config, List<StoredLease> leases, List<StoreEvent.Skipped> skipped) {
        this(revision, config, leases, skipped, List.of(), List.of());
    }
}
