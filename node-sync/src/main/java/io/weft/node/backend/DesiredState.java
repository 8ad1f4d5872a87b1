package io.weft.node.backend;

import io.weft.config.IpPrefix;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The kernel state a backend wants for the current peers: weft's routes, plus the permanent
 * neighbours and FDB entries on the devices weft owns.
 *
 * <p>At most one object per kernel identity (a route per destination, a neighbour per (device,
 * address), an FDB entry per (device, MAC)), so a diff against the kernel is unambiguous.
 *
 * @param routes     every weft route that should exist; any other weft route is stale
 * @param neighbours the permanent neighbours that should exist on {@code devices}
 * @param fdb        the FDB entries that should exist on {@code devices}
 * @param devices    the devices whose neighbours and FDB entries are weft's to manage
 * @param skipped    the peers (or peer families) left out, with the reason
 */
public record DesiredState(
        Set<KernelRoute> routes,
        Set<KernelNeighbour> neighbours,
        Set<KernelFdbEntry> fdb,
        Set<String> devices,
        List<SkippedPeer> skipped) {

    /** @throws IllegalArgumentException on two objects with one identity, or an object on a device not listed */
    public DesiredState {
        routes = Set.copyOf(routes);
        neighbours = Set.copyOf(neighbours);
        fdb = Set.copyOf(fdb);
        devices = Set.copyOf(devices);
        skipped = List.copyOf(skipped);
        unique(routes, KernelRoute::destination, "routes");
        unique(neighbours, Reconciler::key, "neighbours");
        unique(fdb, Reconciler::key, "FDB entries");
        for (KernelNeighbour n : neighbours) {
            requireDevice(devices, n.device(), n);
        }
        for (KernelFdbEntry f : fdb) {
            requireDevice(devices, f.device(), f);
        }
    }

    /** Nothing wanted: every weft route is stale. */
    public static DesiredState none() {
        return new DesiredState(Set.of(), Set.of(), Set.of(), Set.of(), List.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    private static <T> void unique(Set<T> objects, Function<T, ?> key, String what) {
        Set<Object> seen = new HashSet<>();
        for (T object : objects) {
            if (!seen.add(key.apply(object))) {
                throw new IllegalArgumentException("two " + what + " with the identity of " + object);
            }
        }
    }

    private static void requireDevice(Set<String> devices, String device, Object object) {
        if (!devices.contains(device)) {
            throw new IllegalArgumentException(
                    object + " is on " + device + ", which is not one of weft's devices " + devices);
        }
    }

    /** Collects a desired state peer by peer; the first peer to claim an identity keeps it. */
    public static final class Builder {

        private final Set<String> devices = new LinkedHashSet<>();
        private final Map<IpPrefix, String> routeOwners = new HashMap<>();
        private final Map<Object, String> neighbourOwners = new HashMap<>();
        private final Map<Object, String> fdbOwners = new HashMap<>();
        private final Set<KernelRoute> routes = new LinkedHashSet<>();
        private final Set<KernelNeighbour> neighbours = new LinkedHashSet<>();
        private final Set<KernelFdbEntry> fdb = new LinkedHashSet<>();
        private final List<SkippedPeer> skipped = new ArrayList<>();

        private Builder() {}

        /** Marks a device as weft's: its neighbours and FDB entries are managed. */
        public Builder device(String name) {
            devices.add(Objects.requireNonNull(name));
            return this;
        }

        /**
         * Adds one peer's objects (the neighbour and FDB entry may be null), all or none.
         *
         * @return empty when added, else why not: another peer already claimed an identity
         */
        public Optional<String> claim(String peer, KernelRoute route, KernelNeighbour neighbour, KernelFdbEntry entry) {
            String owner = routeOwners.get(route.destination());
            if (owner != null) {
                return Optional.of("subnet " + route.destination() + " is also claimed by " + owner);
            }
            if (neighbour != null && (owner = neighbourOwners.get(Reconciler.key(neighbour))) != null) {
                return Optional.of("VTEP address " + neighbour.address() + " is also claimed by " + owner);
            }
            if (entry != null && (owner = fdbOwners.get(Reconciler.key(entry))) != null) {
                return Optional.of("VTEP MAC " + entry.mac() + " is also used by " + owner);
            }
            routeOwners.put(route.destination(), peer);
            routes.add(route);
            if (neighbour != null) {
                neighbourOwners.put(Reconciler.key(neighbour), peer);
                neighbours.add(neighbour);
            }
            if (entry != null) {
                fdbOwners.put(Reconciler.key(entry), peer);
                fdb.add(entry);
            }
            return Optional.empty();
        }

        public Builder skip(String peer, String reason) {
            skipped.add(new SkippedPeer(peer, reason));
            return this;
        }

        public Builder skip(String peer, String kind, String reason) {
            skipped.add(new SkippedPeer(peer, kind, reason));
            return this;
        }

        public DesiredState build() {
            return new DesiredState(routes, neighbours, fdb, devices, skipped);
        }
    }
}
