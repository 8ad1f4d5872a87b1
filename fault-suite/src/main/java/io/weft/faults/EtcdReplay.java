package io.weft.faults;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * etcd's recorded history of lease keys, replayable: the state at any revision, and the change
 * a given revision made to a given key. Changes of one revision apply in recorded order.
 */
final class EtcdReplay {

    private final List<EtcdChange> changes;
    private final Map<Long, List<EtcdChange>> byRevision = new HashMap<>();

    EtcdReplay(List<EtcdChange> recorded) {
        List<EtcdChange> sorted = new ArrayList<>(recorded);
        sorted.sort(Comparator.comparingLong(EtcdChange::revision)); // stable: keeps a txn's order
        this.changes = List.copyOf(sorted);
        for (EtcdChange change : changes) {
            byRevision
                    .computeIfAbsent(change.revision(), r -> new ArrayList<>())
                    .add(change);
        }
    }

    List<EtcdChange> changes() {
        return changes;
    }

    /** Every lease key present after all changes up to and including {@code revision}. */
    Map<String, HeldLease> stateAt(long revision) {
        Map<String, HeldLease> state = new HashMap<>();
        for (EtcdChange change : changes) {
            if (change.revision() > revision) {
                break;
            }
            apply(state, change);
        }
        return state;
    }

    /** The change {@code revision} made to {@code subnet}'s key, if it touched it. */
    Optional<EtcdChange> find(long revision, String subnet) {
        return byRevision.getOrDefault(revision, List.of()).stream()
                .filter(change -> change.subnet().equals(subnet))
                .reduce((first, second) -> second);
    }

    /** The changes with {@code after < revision <= upTo}. */
    List<EtcdChange> between(long after, long upTo) {
        return changes.stream()
                .filter(c -> c.revision() > after && c.revision() <= upTo)
                .toList();
    }

    static void apply(Map<String, HeldLease> state, EtcdChange change) {
        if (change.isDelete()) {
            state.remove(change.subnet());
        } else {
            state.put(change.subnet(), new HeldLease(change.node(), change.revision()));
        }
    }
}
