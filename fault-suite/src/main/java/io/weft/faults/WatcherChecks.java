package io.weft.faults;

import io.weft.faults.Violation.Rule;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The rules for one watcher, each against etcd's replayed history:
 *
 * <ul>
 *   <li>{@link Rule#WATCHER_BEHIND}: its final view is at or past the revision etcd had once the
 *       nodes stopped (it did catch up).</li>
 *   <li>{@link Rule#WATCHER_FINAL_VIEW}: its final view equals etcd's state at the view's
 *       revision, key for key, holder and write revision included.</li>
 *   <li>{@link Rule#WATCHER_PHANTOM}: every snapshot equals etcd's state at its revision, and every
 *       event is a change etcd made at that revision to that key (same holder, or a delete).</li>
 *   <li>{@link Rule#WATCHER_WENT_BACK}: what a watcher is handed never goes back in revision:
 *       no snapshot older than what it already saw, no event older than the last one, none twice.
 *       A stale replay ends in the right view but shows the node a past state in between.</li>
 *   <li>{@link Rule#WATCHER_MISSED}: after each snapshot, up to the last event before the next
 *       snapshot, every change etcd made was delivered. A reset snapshot may fold changes in,
 *       but only after the last event delivered before it, so skipping none is required.</li>
 * </ul>
 */
final class WatcherChecks {

    private WatcherChecks() {}

    static void check(WatcherLog watcher, EtcdReplay replay, long quietRevision, BiConsumer<Rule, String> report) {
        String name = watcher.name();
        if (watcher.finalRevision() < quietRevision) {
            report.accept(
                    Rule.WATCHER_BEHIND,
                    name + " ended at revision " + watcher.finalRevision() + ", before the quiet revision "
                            + quietRevision);
        }
        Map<String, HeldLease> expected = replay.stateAt(watcher.finalRevision());
        if (!watcher.finalView().equals(expected)) {
            report.accept(
                    Rule.WATCHER_FINAL_VIEW,
                    name + " at revision " + watcher.finalRevision() + ": "
                            + HistoryChecker.difference(watcher.finalView(), expected));
        }
        checkDeliveries(name, watcher.deliveries(), replay, report);
    }

    private static void checkDeliveries(
            String name, List<WatchDelivery> deliveries, EtcdReplay replay, BiConsumer<Rule, String> report) {
        long segmentStart = -1;
        long lastEvent = -1;
        Set<String> delivered = new HashSet<>();
        long seen = 0;
        Set<String> seenAtLatest = new HashSet<>();
        for (WatchDelivery delivery : deliveries) {
            String key = delivery instanceof WatchDelivery.Event event ? event.subnet() : "snapshot";
            if (delivery.revision() < seen || (delivery.revision() == seen && !seenAtLatest.add(key))) {
                report.accept(
                        Rule.WATCHER_WENT_BACK, name + " was handed " + describe(delivery) + " after revision " + seen);
            }
            if (delivery.revision() > seen) {
                seen = delivery.revision();
                seenAtLatest.clear();
                seenAtLatest.add(key);
            }
            switch (delivery) {
                case WatchDelivery.Snapshot snapshot -> {
                    closeSegment(name, segmentStart, lastEvent, delivered, replay, report);
                    Map<String, HeldLease> expected = replay.stateAt(snapshot.revision());
                    if (!snapshot.leases().equals(expected)) {
                        report.accept(
                                Rule.WATCHER_PHANTOM,
                                name + "'s snapshot at revision " + snapshot.revision() + " differs from etcd: "
                                        + HistoryChecker.difference(snapshot.leases(), expected));
                    }
                    segmentStart = snapshot.revision();
                    lastEvent = snapshot.revision();
                    delivered.clear();
                }
                case WatchDelivery.Event event -> {
                    boolean real = replay.find(event.revision(), event.subnet())
                            .filter(change -> event.lease() == null
                                    ? change.isDelete()
                                    : event.lease().equals(new HeldLease(change.node(), change.revision())))
                            .isPresent();
                    if (!real) {
                        report.accept(
                                Rule.WATCHER_PHANTOM,
                                name + " was told " + event.subnet() + " became " + event.lease() + " at revision "
                                        + event.revision() + "; etcd did not do that");
                    }
                    delivered.add(event.revision() + " " + event.subnet());
                    lastEvent = Math.max(lastEvent, event.revision());
                }
            }
        }
        closeSegment(name, segmentStart, lastEvent, delivered, replay, report);
    }

    private static String describe(WatchDelivery delivery) {
        return switch (delivery) {
            case WatchDelivery.Snapshot snapshot -> "a snapshot at revision " + snapshot.revision();
            case WatchDelivery.Event event -> "an event on " + event.subnet() + " at revision " + event.revision();
        };
    }

    private static void closeSegment(
            String name,
            long segmentStart,
            long lastEvent,
            Set<String> delivered,
            EtcdReplay replay,
            BiConsumer<Rule, String> report) {
        if (segmentStart < 0) {
            return;
        }
        for (EtcdChange change : replay.between(segmentStart, lastEvent)) {
            if (!delivered.contains(change.revision() + " " + change.subnet())) {
                report.accept(
                        Rule.WATCHER_MISSED,
                        name + " never heard that revision " + change.revision()
                                + (change.isDelete() ? " deleted " : " gave " + change.node() + " ") + change.subnet());
            }
        }
    }
}
