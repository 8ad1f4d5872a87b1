package io.weft.allocator.alloc;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keys with the newest state seen of each, by etcd revision: a put or a delete older than what
 * is held is dropped, and a delete is remembered (a tombstone at its revision), so a late event
 * never brings a deleted key back. The watch and the server's own writes both apply here.
 *
 * <p>Not thread-safe: {@link LeaseIndex} owns its instances under its lock.
 *
 * @param <K> the key
 * @param <V> what the key holds
 */
final class NewestByRevision<K, V> {

    /** value null: deleted at revision. */
    private record State<V>(V value, long revision) {}

    private final Map<K, State<V>> states = new HashMap<>();

    void clear() {
        states.clear();
    }

    /** Answers false, changing nothing, when what is held is as new or newer. */
    boolean put(K key, V value, long revision) {
        return apply(key, new State<>(value, revision));
    }

    /** Answers false, changing nothing, when what is held is as new or newer. */
    boolean delete(K key, long revision) {
        return apply(key, new State<>(null, revision));
    }

    private boolean apply(K key, State<V> next) {
        State<V> current = states.get(key);
        if (current != null && current.revision() >= next.revision()) {
            return false;
        }
        states.put(key, next);
        return true;
    }

    /** What the key holds, if it holds anything. */
    Optional<V> get(K key) {
        return Optional.ofNullable(states.get(key)).map(State::value);
    }
}
