package io.weft.allocator.alloc;

import io.weft.allocator.store.SubnetKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A lookup from a name (node name, public IP) to the leases that carry it. Almost always one
 * lease per name, so a single key is stored as itself and only true duplicates (a replica
 * race, a flanneld lease beside a reservation) cost a list; removing one of two duplicates
 * leaves the other findable. Not thread-safe: the index serialises access.
 */
final class LookupTable {

    private final Map<String, Object> entries = new HashMap<>();

    void add(String name, SubnetKey subnet) {
        if (name.isEmpty()) {
            return;
        }
        entries.merge(name, subnet, (existing, added) -> {
            List<SubnetKey> all =
                    existing instanceof SubnetKey single ? new ArrayList<>(List.of(single)) : list(existing);
            if (!all.contains(subnet)) {
                all.add(subnet);
            }
            return all;
        });
    }

    void remove(String name, SubnetKey subnet) {
        entries.computeIfPresent(name, (key, existing) -> {
            if (existing instanceof SubnetKey single) {
                return single.equals(subnet) ? null : single;
            }
            List<SubnetKey> all = list(existing);
            all.remove(subnet);
            return all.isEmpty() ? null : all.size() == 1 ? all.getFirst() : all;
        });
    }

    /** The most recently added lease that carries the name. */
    Optional<SubnetKey> find(String name) {
        Object found = entries.get(name);
        if (found == null) {
            return Optional.empty();
        }
        return Optional.of(
                found instanceof SubnetKey single ? single : list(found).getLast());
    }

    /** Every lease that carries the name. */
    List<SubnetKey> all(String name) {
        Object found = entries.get(name);
        if (found == null) {
            return List.of();
        }
        return found instanceof SubnetKey single ? List.of(single) : List.copyOf(list(found));
    }

    void clear() {
        entries.clear();
    }

    @SuppressWarnings("unchecked")
    private static List<SubnetKey> list(Object value) {
        return (List<SubnetKey>) value;
    }
}
