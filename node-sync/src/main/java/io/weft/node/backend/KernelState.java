package io.weft.node.backend;

import io.weft.config.IpFamily;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * What the kernel holds of weft's: its routes (all of them, both families) and the permanent
 * neighbours and FDB entries of the devices weft owns.
 */
public record KernelState(Set<KernelRoute> routes, Set<KernelNeighbour> neighbours, Set<KernelFdbEntry> fdb) {

    public KernelState {
        routes = Set.copyOf(routes);
        neighbours = Set.copyOf(neighbours);
        fdb = Set.copyOf(fdb);
    }

    /** Reads it through the dataplane; a device that does not exist has nothing on it. */
    public static KernelState read(Dataplane dataplane, Collection<String> devices) {
        return read(dataplane, devices, RouteOwnership.everything());
    }

    /** As {@link #read(Dataplane, Collection)}, keeping only the routes {@code ownership} calls this instance's. */
    public static KernelState read(Dataplane dataplane, Collection<String> devices, RouteOwnership ownership) {
        Set<KernelRoute> routes = new LinkedHashSet<>();
        for (IpFamily family : IpFamily.values()) {
            dataplane.routeList(family).stream().filter(ownership::owns).forEach(routes::add);
        }
        Set<KernelNeighbour> neighbours = new LinkedHashSet<>();
        Set<KernelFdbEntry> fdb = new LinkedHashSet<>();
        for (String device : devices) {
            if (dataplane.linkByName(device).isEmpty()) {
                continue;
            }
            neighbours.addAll(dataplane.neighbourList(device, IpFamily.IPV4));
            neighbours.addAll(dataplane.neighbourList(device, IpFamily.IPV6));
            fdb.addAll(dataplane.fdbList(device));
        }
        return new KernelState(routes, neighbours, fdb);
    }
}
