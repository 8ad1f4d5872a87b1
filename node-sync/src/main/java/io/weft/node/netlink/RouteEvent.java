package io.weft.node.netlink;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;

/**
 * A change to one of weft's routes (main table, {@link RouteProtocol#WEFT}), from the kernel's
 * route notifications ({@code ip monitor route}). Routes of other owners are not reported.
 * The kernel does not announce IPv4 routes it flushes because their device went down or away;
 * follow {@link io.weft.node.dataplane.LinkEvent}s for that.
 *
 * @param deviceIndex the output device's interface index
 */
public record RouteEvent(Change change, IpPrefix destination, IpAddress gateway, int deviceIndex, boolean onLink) {

    public enum Change {
        /** Added or replaced (RTM_NEWROUTE). */
        ADDED,
        /** Deleted (RTM_DELROUTE). */
        REMOVED
    }
}
