package io.weft.node.backend;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.util.Set;

/**
 * What a peer's lease must never take from this host, read from the host itself: a route to a
 * peer subnet covering any of these would send the host's own traffic into the overlay.
 *
 * @param addresses     every address on the host's interfaces
 * @param connected     the subnets those addresses sit on (the kernel's connected routes)
 * @param allocatorPath the allocator's addresses and the gateways of the host's routes: the way
 *                      the node reaches the allocator (and everything else off-link)
 */
public record HostFacts(Set<IpAddress> addresses, Set<IpPrefix> connected, Set<IpAddress> allocatorPath) {

    public HostFacts {
        addresses = Set.copyOf(addresses);
        connected = Set.copyOf(connected);
        allocatorPath = Set.copyOf(allocatorPath);
    }

    /** Nothing known (tests of other rules, or before the host was read). */
    public static HostFacts none() {
        return new HostFacts(Set.of(), Set.of(), Set.of());
    }
}
