package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.util.Optional;

/**
 * A route of the host's main table, as {@code ip route show} lists it.
 *
 * @param destination 0.0.0.0/0 for the default route
 * @param gateway     the next hop, empty for a directly connected route
 * @param device      the output device's name
 */
public record HostRoute(IpPrefix destination, Optional<IpAddress> gateway, String device) {

    public boolean isDefault() {
        return destination.length() == 0;
    }
}
