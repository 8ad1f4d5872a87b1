package io.weft.faults;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a run recorded, as the checker gets it.
 *
 * @param etcdChanges every put and delete of a lease key since the cluster was created, in
 *     revision order (changes of one transaction share a revision)
 * @param historyComplete false if the recording of etcd's history broke off (then rules that
 *     replay it cannot be trusted and the run fails)
 * @param finalState the lease keys in etcd at the end, read at {@code finalRevision} at time
 *     {@code finalReadAt}
 * @param quietRevision the etcd revision once the nodes had stopped; every watcher must have
 *     caught up with it
 * @param droppedReplies the replies the suite dropped after the server had completed the call
 * @param rounds the two-replica acquisition rounds of the {@link TwinNode}s
 */
public record History(
        List<NodeRecord> nodeRecords,
        List<EtcdChange> etcdChanges,
        boolean historyComplete,
        List<WatcherLog> watchers,
        Map<String, HeldLease> finalState,
        long finalRevision,
        Instant finalReadAt,
        long quietRevision,
        List<DroppedReply> droppedReplies,
        List<AcquisitionRound> rounds) {
    public History {
        nodeRecords = List.copyOf(nodeRecords);
        etcdChanges = List.copyOf(etcdChanges);
        watchers = List.copyOf(watchers);
        finalState = Map.copyOf(finalState);
        droppedReplies = List.copyOf(droppedReplies);
        rounds = List.copyOf(rounds);
    }

    /** A history without dropped replies or two-replica rounds. */
    public History(
            List<NodeRecord> nodeRecords,
            List<EtcdChange> etcdChanges,
            boolean historyComplete,
            List<WatcherLog> watchers,
            Map<String, HeldLease> finalState,
            long finalRevision,
            Instant finalReadAt,
            long quietRevision) {
        this(
                nodeRecords,
                etcdChanges,
                historyComplete,
                watchers,
                finalState,
                finalRevision,
                finalReadAt,
                quietRevision,
                List.of(),
                List.of());
    }
}
