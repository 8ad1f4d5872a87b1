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
 */
public record History(List<NodeRecord> nodeRecords, List<EtcdChange> etcdChanges, boolean historyComplete,
                      List<WatcherLog> watchers, Map<String, HeldLease> finalState, long finalRevision,
                      Instant finalReadAt, long quietRevision) {
    public History {
        nodeRecords = List.copyOf(nodeRecords);
        etcdChanges = List.copyOf(etcdChanges);
        watchers = List.copyOf(watchers);
        finalState = Map.copyOf(finalState);
    }
}
