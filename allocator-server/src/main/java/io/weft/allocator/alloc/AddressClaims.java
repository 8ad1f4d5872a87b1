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
 * first. The newest revision wins ({@link NewestByRevision}).
 *
 * <p>Not thread-safe: {@link LeaseIndex} owns it under its lock.
 */
final class AddressClaims {

    private final NewestByRevision<HostAddress, AddressClaim> byAddress = new NewestByRevision<>();
    private final Map<String, Set<HostAddress>> byNode = new HashMap<>();

    void reset(Collection<AddressClaim> claims) {
        byAddress.clear();
        byNode.clear();
        claims.forEach(this::put);
    }

    void put(AddressClaim claim) {
        Optional<AddressClaim> before = byAddress.get(claim.address());
        if (byAddress.put(claim.address(), claim, claim.modRevision())) {
            before.ifPresent(this::forget);
            byNode.computeIfAbsent(claim.nodeName(), node -> new HashSet<>()).add(claim.address());
        }
    }

    void delete(HostAddress address, long revision) {
        Optional<AddressClaim> before = byAddress.get(address);
        if (byAddress.delete(address, revision)) {
            before.ifPresent(this::forget);
        }
    }

    private void forget(AddressClaim claim) {
        Set<HostAddress> held = byNode.get(claim.nodeName());
        if (held != null && held.remove(claim.address()) && held.isEmpty()) {
            byNode.remove(claim.nodeName());
        }
    }

    /** The claim on the address as last seen, if one is held. */
    Optional<AddressClaim> holder(HostAddress address) {
        return byAddress.get(address);
    }

    /** The claims the node holds as last seen. */
    List<AddressClaim> heldBy(String nodeName) {
        return byNode.getOrDefault(nodeName, Set.of()).stream()
                .flatMap(address -> byAddress.get(address).stream())
                .toList();
    }
}
