package io.weft.allocator.alloc;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToLongFunction;

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

    /** A value held at another revision than its own, or (value null) a delete at revision. */
    private record State<V>(V value, long revision) {}

    private final ToLongFunction<V> revisionOf;
    /**
     * A value held at its own revision is held as it is, not wrapped in a State: claims are put
     * at their own mod revision, and a wrapper for each of 750,000 claims (250,000 leases) is
     * 18 MB of heap.
     */
    private final Map<K, Object> states = new HashMap<>();

    /** @param revisionOf a value's own revision (its key's mod revision) */
    NewestByRevision(ToLongFunction<V> revisionOf) {
        this.revisionOf = revisionOf;
    }

    void clear() {
        states.clear();
    }

    /** Answers false, changing nothing, when what is held is as new or newer. */
    boolean put(K key, V value, long revision) {
        return apply(key, revision == revisionOf.applyAsLong(value) ? value : new State<>(value, revision), revision);
    }

    /** Answers false, changing nothing, when what is held is as new or newer. */
    boolean delete(K key, long revision) {
        return apply(key, new State<V>(null, revision), revision);
    }

    private boolean apply(K key, Object next, long revision) {
        Object current = states.get(key);
        if (current != null && revisionOf(current) >= revision) {
            return false;
        }
        states.put(key, next);
        return true;
    }

    @SuppressWarnings("unchecked")
    private long revisionOf(Object held) {
        return held instanceof State<?> state ? state.revision() : revisionOf.applyAsLong((V) held);
    }

    /** What the key holds, if it holds anything. */
    @SuppressWarnings("unchecked")
    Optional<V> get(K key) {
        Object held = states.get(key);
        return Optional.ofNullable(held instanceof State<?> state ? (V) state.value() : (V) held);
    }
}
