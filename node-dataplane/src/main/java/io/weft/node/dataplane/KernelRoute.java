package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.util.Objects;

/**
 * A route weft owns: {@code ip route replace DESTINATION via GATEWAY dev DEVICE [onlink] proto weft}.
 * Routes always carry weft's routing protocol number, so weft only ever lists, changes or
 * deletes its own routes. Identity (for replace and delete) is the destination in the main table.
 *
 * @param destination the peer's subnet
 * @param gateway     the next hop: a VTEP address on the vxlan device, or the peer's public IP
 * @param device      the output device name
 * @param onLink      whether the gateway is reachable without a covering route (vxlan)
 */
public record KernelRoute(IpPrefix destination, IpAddress gateway, String device, boolean onLink) {

    public KernelRoute {
        Objects.requireNonNull(destination);
        Objects.requireNonNull(gateway);
        Objects.requireNonNull(device);
        if (destination.family() != gateway.family()) {
            throw new IllegalArgumentException(
                    "route to " + destination + " via " + gateway + " mixes address families");
        }
    }
}
