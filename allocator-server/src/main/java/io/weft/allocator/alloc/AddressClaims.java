package io.weft.allocator.alloc;

import io.weft.allocator.store.AddressClaim;
import io.weft.allocator.store.HostAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Each address's claim key as this server last saw it (which node holds the address, at which
 * mod revision), and the addresses each node holds, so a write can compare them without reading
 * first. Deletions are remembered as tombstones with their revision, as {@link NodeClaims} does,
 * so a late event never brings a claim back; the newest revision wins.
 *
 * <p>Not thread-safe: {@link LeaseIndex} owns it under its lock.
 */
final class AddressClaims {

    /** nodeName null: no claim (deleted at changedAt). */
    private record State(String nodeName, long modRevision, long changedAt) {
    }

    private final Map<HostAddress, State> byAddress = new HashMap<>();
    private final Map<String, Set<HostAddress>> byNode = new HashMap<>();

    void reset(Collection<AddressClaim> claims) {
        byAddress.clear();
        byNode.clear();
        claims.forEach(this::put);
    }

    void put(AddressClaim claim) {
        apply(claim.address(), new State(claim.nodeName(), claim.modRevision(), claim.modRevision()));
    }

    void delete(HostAddress address, long revision) {
        apply(address, new State(null, 0, revision));
    }

    private void apply(HostAddress address, State next) {
        State current = byAddress.get(address);
        if (current != null && current.changedAt() >= next.changedAt()) {
            return;
        }
        if (current != null && current.nodeName() != null) {
            Set<HostAddress> held = byNode.get(current.nodeName());
            held.remove(address);
            if (held.isEmpty()) {
                byNode.remove(current.nodeName());
            }
        }
        byAddress.put(address, next);
        if (next.nodeName() != null) {
            byNode.computeIfAbsent(next.nodeName(), node -> new HashSet<>()).add(address);
        }
    }

    /** The claim on the address as last seen, if one is held. */
    Optional<AddressClaim> holder(HostAddress address) {
        State state = byAddress.get(address);
        return state == null || state.nodeName() == null ? Optional.empty()
                : Optional.of(new AddressClaim(address, state.nodeName(), state.modRevision()));
    }

    /** The claims the node holds as last seen. */
    List<AddressClaim> heldBy(String nodeName) {
        return byNode.getOrDefault(nodeName, Set.of()).stream()
                .map(address -> new AddressClaim(address, nodeName, byAddress.get(address).modRevision()))
                .toList();
    }
}
