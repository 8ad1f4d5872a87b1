package io.weft.allocator.alloc;

import io.weft.allocator.store.AddressClaim;
import io.weft.allocator.store.HostAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Each address's claim key as this server last saw it (which node holds the address, at which
 * mod revision), and the addresses each node holds, so a write can compare them without reading
 * first. The newest revision wins ({@link NewestByRevision}).
 *
 * <p>Not thread-safe: {@link LeaseIndex} owns it under its lock.
 */
final class AddressClaims {

    private final NewestByRevision<HostAddress, AddressClaim> byAddress =
            new NewestByRevision<>(AddressClaim::modRevision);
    /** Immutable lists: a node holds one to three addresses, and a HashSet each cost ~200 bytes a node. */
    private final Map<String, List<HostAddress>> byNode = new HashMap<>();

    void reset(Collection<AddressClaim> claims) {
        byAddress.clear();
        byNode.clear();
        claims.forEach(this::put);
    }

    void put(AddressClaim claim) {
        Optional<AddressClaim> before = byAddress.get(claim.address());
        if (byAddress.put(claim.address(), claim, claim.modRevision())) {
            before.ifPresent(this::forget);
            byNode.merge(claim.nodeName(), List.of(claim.address()), AddressClaims::union);
        }
    }

    void delete(HostAddress address, long revision) {
        Optional<AddressClaim> before = byAddress.get(address);
        if (byAddress.delete(address, revision)) {
            before.ifPresent(this::forget);
        }
    }

    private void forget(AddressClaim claim) {
        List<HostAddress> held = byNode.get(claim.nodeName());
        if (held == null || !held.contains(claim.address())) {
            return;
        }
        List<HostAddress> rest = held.stream()
                .filter(address -> !address.equals(claim.address()))
                .toList();
        if (rest.isEmpty()) {
            byNode.remove(claim.nodeName());
        } else {
            byNode.put(claim.nodeName(), rest);
        }
    }

    /** held with the one address of added appended, unless held has it: a node holds one to three. */
    private static List<HostAddress> union(List<HostAddress> held, List<HostAddress> added) {
        if (held.contains(added.getFirst())) {
            return held;
        }
        List<HostAddress> both = new ArrayList<>(held);
        both.add(added.getFirst());
        return List.copyOf(both);
    }

    /** The claim on the address as last seen, if one is held. */
    Optional<AddressClaim> holder(HostAddress address) {
        return byAddress.get(address);
    }

    /** The claims the node holds as last seen. */
    List<AddressClaim> heldBy(String nodeName) {
        return byNode.getOrDefault(nodeName, List.of()).stream()
                .flatMap(address -> byAddress.get(address).stream())
                .toList();
    }
}
