package io.weft.faults;

import java.util.Map;

/** What one watcher was handed, in the order it was handed over. */
public sealed interface WatchDelivery {

    long revision();

    /** The full state at {@code revision}, replacing the view (the first one, or a reset). */
    record Snapshot(long revision, Map<String, HeldLease> leases) implements WatchDelivery {
        public Snapshot {
            leases = Map.copyOf(leases);
        }
    }

    /** An ADDED or MODIFIED ({@code lease} set) or REMOVED ({@code lease} null) event. */
    record Event(long revision, String subnet, HeldLease lease) implements WatchDelivery {}
}
