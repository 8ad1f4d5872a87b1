package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The forwarding tables of {@link MemoryDataplane}: weft's routes keyed by destination,
 * neighbours keyed by (device, address) and FDB entries keyed by (device, MAC), refused as the
 * kernel refuses them: a route through a missing device fails (ENODEV), an onlink route through a
 * device that is down fails (ENETDOWN), and a route whose gateway is not covered by an address of
 * its device fails ("Nexthop has invalid gateway", ENETUNREACH; EHOSTUNREACH for IPv6); an FDB
 * entry on a vxlan device must have the family of its local address (EAFNOSUPPORT), on another
 * kind of device it is accepted but, having no dst, never listed. It reads the dataplane's links;
 * the dataplane serialises every call.
 */
final class MemoryForwarding {

    private record NeighbourKey(String device, IpAddress address) {}

    private record FdbKey(String device, String mac) {}

    private final Map<String, MemoryLink> links;
    private final Map<IpPrefix, KernelRoute> routes = new TreeMap<>();
    private final Map<NeighbourKey, KernelNeighbour> neighbours = new HashMap<>();
    private final Map<FdbKey, KernelFdbEntry> fdb = new HashMap<>();

    MemoryForwarding(Map<String, MemoryLink> links) {
        this.links = links;
    }

    List<KernelRoute> routes(IpFamily family) {
        return routes.values().stream()
                .filter(route -> route.destination().family() == family)
                .toList();
    }

    List<KernelNeighbour> neighbours(String device, IpFamily family) {
        return neighbours.values().stream()
                .filter(n -> n.device().equals(device) && n.address().family() == family)
                .sorted(Comparator.comparing(KernelNeighbour::address))
                .toList();
    }

    List<KernelFdbEntry> fdb(String device) {
        return fdb.values().stream()
                .filter(entry -> entry.device().equals(device))
                .sorted(Comparator.comparing(KernelFdbEntry::mac))
                .toList();
    }

    /** A device went away: so does everything that lived on it, as in the kernel. */
    void removeDevice(String name) {
        routes.values().removeIf(route -> route.device().equals(name));
        neighbours.keySet().removeIf(key -> key.device().equals(name));
        fdb.keySet().removeIf(key -> key.device().equals(name));
    }

    /** Applies one change; answers the kernel's refusal, or null when it took effect. */
    String apply(KernelChange change) {
        switch (change) {
            case KernelChange.RouteReplace(KernelRoute route) -> {
                String refusal = routeRefusal(route);
                if (refusal == null) {
                    routes.put(route.destination(), route);
                }
                return refusal;
            }
            case KernelChange.RouteDelete(KernelRoute route) -> {
                // The kernel matches a delete on its next hop too; a mismatch leaves the route.
                KernelRoute present = routes.get(route.destination());
                if (present != null
                        && present.gateway().equals(route.gateway())
                        && present.device().equals(route.device())) {
                    routes.remove(route.destination());
                }
                return null;
            }
            case KernelChange.NeighbourReplace(KernelNeighbour neighbour) -> {
                if (!links.containsKey(neighbour.device())) {
                    return "No such device (ENODEV)";
                }
                neighbours.put(new NeighbourKey(neighbour.device(), neighbour.address()), neighbour);
                return null;
            }
            case KernelChange.NeighbourDelete(KernelNeighbour neighbour) -> {
                neighbours.remove(new NeighbourKey(neighbour.device(), neighbour.address()));
                return null;
            }
            case KernelChange.FdbReplace(KernelFdbEntry entry) -> {
                String refusal = fdbRefusal(entry);
                // Another kind of device takes the MAC but not the dst, so fdbList never shows it.
                if (refusal == null && links.get(entry.device()).info.vxlan().isPresent()) {
                    fdb.put(new FdbKey(entry.device(), entry.mac()), entry);
                }
                return refusal;
            }
            case KernelChange.FdbDelete(KernelFdbEntry entry) -> {
                fdb.remove(new FdbKey(entry.device(), entry.mac()));
                return null;
            }
        }
    }

    private String routeRefusal(KernelRoute route) {
        MemoryLink link = links.get(route.device());
        if (link == null) {
            return "No such device (ENODEV)";
        }
        if (route.onLink() || route.gateway().family() == IpFamily.IPV6) {
            if (!link.info.up()) {
                return "Nexthop device is not up (ENETDOWN)";
            }
        }
        if (!route.onLink() && !(link.info.up() && link.covers(route.gateway()))) {
            // IPv4 needs a link-scope route to the gateway; a down device has no connected routes.
            return route.gateway().family() == IpFamily.IPV4
                    ? "Nexthop has invalid gateway (ENETUNREACH)"
                    : "No route to host (EHOSTUNREACH)";
        }
        return null;
    }

    private String fdbRefusal(KernelFdbEntry entry) {
        MemoryLink link = links.get(entry.device());
        if (link == null) {
            return "No such device (ENODEV)";
        }
        Optional<LinkInfo.VxlanAttributes> vxlan = link.info.vxlan();
        if (vxlan.isPresent()
                && vxlan.get().local().family() != entry.destination().family()) {
            return "Address family not supported by protocol (EAFNOSUPPORT)";
        }
        return null;
    }

    /** The {@code ip}/{@code bridge} command a change stands for, as failures name it. */
    static String command(KernelChange change) {
        return switch (change) {
            case KernelChange.RouteReplace(KernelRoute r) -> "route replace " + route(r);
            case KernelChange.RouteDelete(KernelRoute r) -> "route del " + route(r);
            case KernelChange.NeighbourReplace(KernelNeighbour n) ->
                "neigh replace " + n.address() + " lladdr " + n.mac() + " dev " + n.device() + " nud permanent";
            case KernelChange.NeighbourDelete(KernelNeighbour n) -> "neigh del " + n.address() + " dev " + n.device();
            case KernelChange.FdbReplace(KernelFdbEntry f) ->
                "fdb replace " + f.mac() + " dev " + f.device() + " dst " + f.destination() + " self permanent";
            case KernelChange.FdbDelete(KernelFdbEntry f) ->
                "fdb del " + f.mac() + " dev " + f.device() + " dst " + f.destination() + " self";
        };
    }

    private static String route(KernelRoute r) {
        return r.destination() + " via " + r.gateway() + " dev " + r.device() + (r.onLink() ? " onlink" : "");
    }
}
