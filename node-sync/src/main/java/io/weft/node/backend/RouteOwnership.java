package io.weft.node.backend;

import io.weft.config.IpPrefix;
import io.weft.node.dataplane.KernelRoute;
import java.util.Set;

/**
 * Which of the routes carrying weft's protocol belong to this weft-node instance, so that two
 * instances on one host (two networks: their own allocator, VNI, device and subnet file) never
 * delete each other's routes. A route is this instance's when it leaves through one of the
 * instance's own devices ({@code flannel.<VNI>}), or when its destination lies inside one of the
 * instance's networks (host-gw and DirectRouting routes leave through the shared external
 * interface). The networks of two instances must not overlap; neighbours and FDB entries need no
 * rule of their own, they live on the instance's devices.
 *
 * @param devices  this instance's devices
 * @param networks the networks whose routes are this instance's; null for every weft route (one
 *                 instance per host, the tests' and tools' view)
 */
public record RouteOwnership(Set<String> devices, Set<IpPrefix> networks) {

    public RouteOwnership {
        devices = Set.copyOf(devices);
        networks = networks == null ? null : Set.copyOf(networks);
    }

    /** Every route with weft's protocol, whoever added it. */
    public static RouteOwnership everything() {
        return new RouteOwnership(Set.of(), null);
    }

    public boolean owns(KernelRoute route) {
        return networks == null
                || devices.contains(route.device())
                || networks.stream().anyMatch(network -> network.contains(route.destination()));
    }
}
