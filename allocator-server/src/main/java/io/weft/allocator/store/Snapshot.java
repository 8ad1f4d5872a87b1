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
 */
public record Snapshot(long revision, Optional<StoredConfig> config, List<StoredLease> leases,
                       List<StoreEvent.Skipped> skipped) {
}
