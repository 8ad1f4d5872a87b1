package io.weft.faults;

import java.util.HashMap;
import java.util.Map;

/**
 * How much a history gave the checker to chew on, so that a clean result can be told apart from
 * an empty one: e.g. without handovers of a subnet from one node to another, the overlap rules
 * were never really tested.
 */
record HistoryStats(
        long acks,
        long releases,
        long losses,
        long handovers,
        long etcdChanges,
        long snapshots,
        long watchEvents,
        long droppedReplies,
        long twoReplicaRounds) {

    static HistoryStats of(History history) {
        long acks = 0;
        long releases = 0;
        long losses = 0;
        for (NodeRecord record : history.nodeRecords()) {
            switch (record) {
                case NodeRecord.Acked acked -> acks++;
                case NodeRecord.Released released -> releases++;
                case NodeRecord.Lost lost -> losses++;
            }
        }
        Map<String, String> lastHolder = new HashMap<>();
        long handovers = 0;
        for (EtcdChange change : new EtcdReplay(history.etcdChanges()).changes()) {
            if (!change.isDelete()) {
                String before = lastHolder.put(change.subnet(), change.node());
                if (before != null && !before.equals(change.node())) {
                    handovers++;
                }
            }
        }
        long snapshots = 0;
        long events = 0;
        for (WatcherLog watcher : history.watchers()) {
            for (WatchDelivery delivery : watcher.deliveries()) {
                if (delivery instanceof WatchDelivery.Snapshot) {
                    snapshots++;
                } else {
                    events++;
                }
            }
        }
        return new HistoryStats(
                acks,
                releases,
                losses,
                handovers,
                history.etcdChanges().size(),
                snapshots,
                events,
                history.droppedReplies().size(),
                history.rounds().size());
    }

    String line() {
        return "fault-suite: checked " + acks + " acknowledgements, " + releases + " releases, " + losses
                + " reported losses, " + handovers + " subnet handovers between nodes, " + etcdChanges
                + " etcd changes, " + snapshots + " watch snapshots, " + watchEvents + " watch events, "
                + droppedReplies + " replies dropped after commit and " + twoReplicaRounds
                + " acquisition rounds through both replicas at once";
    }
}
