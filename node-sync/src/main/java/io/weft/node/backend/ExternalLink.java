package io.weft.node.backend;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The external interface as the backends see it: the device the overlay runs over (vxlan) or
 * routes through (host-gw).
 *
 * @param name      e.g. eth0
 * @param mtu       its MTU
 * @param addresses its own addresses (host-gw requires the public IP to be one of them)
 * @param subnets   the subnets those addresses sit on, e.g. 192.168.77.0/24 for 192.168.77.2/24:
 *                  a peer there is reachable without a gateway (DirectRouting, host-gw)
 */
public record ExternalLink(String name, int mtu, Set<IpAddress> addresses, Set<IpPrefix> subnets) {

    public ExternalLink {
        Objects.requireNonNull(name);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("the external interface needs a name");
        }
        if (mtu <= 0) {
            throw new IllegalArgumentException("MTU " + mtu + " of " + name + " must be positive");
        }
        addresses = Set.copyOf(addresses);
        subnets = Set.copyOf(subnets);
    }

    /** True when the address is one of this interface's own. */
    public boolean owns(IpAddress address) {
        return addresses.contains(address);
    }

    /** True when the address lies on one of this interface's subnets. */
    public boolean onLink(IpAddress address) {
        return subnets.stream().anyMatch(subnet -> subnet.contains(address));
    }

    /** Its addresses of one family, sorted, for messages. */
    public List<IpAddress> addresses(IpFamily family) {
        return addresses.stream().filter(a -> a.family() == family).sorted().toList();
    }
}
