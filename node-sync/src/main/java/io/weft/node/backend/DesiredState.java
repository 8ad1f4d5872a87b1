package io.weft.node.backend;

import io.weft.config.IpPrefix;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import java.util.ArrayList;
import java.util.Collections;
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
 * <p>{@link #of} checks all of that; a {@link Builder} keeps it while it collects (a reconcile
 * builds one for every peer of a view, so its result is not copied and checked again).
 */
public final class DesiredState {

    private final Set<KernelRoute> routes;
    private final Set<KernelNeighbour> neighbours;
    private final Set<KernelFdbEntry> fdb;
    private final Set<String> devices;
    private final List<SkippedPeer> skipped;

    private DesiredState(
            Set<KernelRoute> routes,
            Set<KernelNeighbour> neighbours,
            Set<KernelFdbEntry> fdb,
            Set<String> devices,
            List<SkippedPeer> skipped) {
        this.routes = routes;
        this.neighbours = neighbours;
        this.fdb = fdb;
        this.devices = devices;
        this.skipped = skipped;
    }

    /**
     * @param routes     every weft route that should exist; any other weft route is stale
     * @param neighbours the permanent neighbours that should exist on {@code devices}
     * @param fdb        the FDB entries that should exist on {@code devices}
     * @param devices    the devices whose neighbours and FDB entries are weft's to manage
     * @param skipped    the peers (or peer families) left out, with the reason
     * @throws IllegalArgumentException on two objects with one identity, or an object on a device not listed
     */
    public static DesiredState of(
            Set<KernelRoute> routes,
            Set<KernelNeighbour> neighbours,
            Set<KernelFdbEntry> fdb,
            Set<String> devices,
            List<SkippedPeer> skipped) {
        DesiredState state = new DesiredState(
                Set.copyOf(routes), Set.copyOf(neighbours), Set.copyOf(fdb), Set.copyOf(devices), List.copyOf(skipped));
        unique(state.routes, KernelRoute::destination, "routes");
        unique(state.neighbours, Reconciler::key, "neighbours");
        unique(state.fdb, Reconciler::key, "FDB entries");
        for (KernelNeighbour n : state.neighbours) {
            requireDevice(state.devices, n.device(), n);
        }
        for (KernelFdbEntry f : state.fdb) {
            requireDevice(state.devices, f.device(), f);
        }
        return state;
    }

    /** Nothing wanted: every weft route is stale. */
    public static DesiredState none() {
        return of(Set.of(), Set.of(), Set.of(), Set.of(), List.of());
    }

    public static Builder builder() {
        return new Builder(0);
    }

    /** A builder sized for about this many peers (one object of each kind per peer and family). */
    public static Builder builder(int peers) {
        return new Builder(peers);
    }

    /** Every weft route that should exist; any other weft route is stale. */
    public Set<KernelRoute> routes() {
        return routes;
    }

    /** The permanent neighbours that should exist on {@link #devices()}. */
    public Set<KernelNeighbour> neighbours() {
        return neighbours;
    }

    /** The FDB entries that should exist on {@link #devices()}. */
    public Set<KernelFdbEntry> fdb() {
        return fdb;
    }

    /** The devices whose neighbours and FDB entries are weft's to manage. */
    public Set<String> devices() {
        return devices;
    }

    /** The peers (or peer families) left out, with the reason. */
    public List<SkippedPeer> skipped() {
        return skipped;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof DesiredState that
                && routes.equals(that.routes)
                && neighbours.equals(that.neighbours)
                && fdb.equals(that.fdb)
                && devices.equals(that.devices)
                && skipped.equals(that.skipped);
    }

    @Override
    public int hashCode() {
        return Objects.hash(routes, neighbours, fdb, devices, skipped);
    }

    @Override
    public String toString() {
        return "DesiredState[routes=" + routes + ", neighbours=" + neighbours + ", fdb=" + fdb + ", devices=" + devices
                + ", skipped=" + skipped + "]";
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
        private final Map<IpPrefix, String> routeOwners;
        private final Map<Object, String> neighbourOwners;
        private final Map<Object, String> fdbOwners;
        private final Set<KernelRoute> routes;
        private final Set<KernelNeighbour> neighbours;
        private final Set<KernelFdbEntry> fdb;
        private final List<SkippedPeer> skipped = new ArrayList<>();
        private boolean built;

        private Builder(int peers) {
            routeOwners = HashMap.newHashMap(peers);
            neighbourOwners = HashMap.newHashMap(peers);
            fdbOwners = HashMap.newHashMap(peers);
            routes = LinkedHashSet.newLinkedHashSet(peers);
            neighbours = LinkedHashSet.newLinkedHashSet(peers);
            fdb = LinkedHashSet.newLinkedHashSet(peers);
        }

        private void requireOpen() {
            if (built) {
                throw new IllegalStateException("this desired state is already built");
            }
        }

        /** Marks a device as weft's: its neighbours and FDB entries are managed. */
        public Builder device(String name) {
            requireOpen();
            devices.add(Objects.requireNonNull(name));
            return this;
        }

        /**
         * Adds one peer's objects (the neighbour and FDB entry may be null), all or none.
         *
         * @return empty when added, else why not: another peer already claimed an identity
         * @throws IllegalArgumentException when the neighbour or entry is on a device not marked
         *     with {@link #device} before (a backend's mistake, not a peer's)
         */
        public Optional<String> claim(String peer, KernelRoute route, KernelNeighbour neighbour, KernelFdbEntry entry) {
            requireOpen();
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
            if (neighbour != null) {
                requireDevice(devices, neighbour.device(), neighbour);
            }
            if (entry != null) {
                requireDevice(devices, entry.device(), entry);
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
            requireOpen();
            skipped.add(new SkippedPeer(peer, reason));
            return this;
        }

        public Builder skip(String peer, String kind, String reason) {
            requireOpen();
            skipped.add(new SkippedPeer(peer, kind, reason));
            return this;
        }

        /** The state collected; the builder takes nothing more after this. */
        public DesiredState build() {
            requireOpen();
            built = true;
            return new DesiredState(
                    Collections.unmodifiableSet(routes),
                    Collections.unmodifiableSet(neighbours),
                    Collections.unmodifiableSet(fdb),
                    Collections.unmodifiableSet(devices),
                    Collections.unmodifiableList(skipped));
        }
    }
}
