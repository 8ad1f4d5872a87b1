package io.weft.faults;

import java.util.List;
import java.util.Map;

/**
 * One watcher's whole story: everything it was handed, and the view it held at the end.
 *
 * @param finalView the LeaseWatch's own view at the end, by subnet
 * @param finalRevision the revision that view is at
 */
public record WatcherLog(
        String name, List<WatchDelivery> deliveries, Map<String, HeldLease> finalView, long finalRevision) {
    public WatcherLog {
        deliveries = List.copyOf(deliveries);
        finalView = Map.copyOf(finalView);
    }
}
