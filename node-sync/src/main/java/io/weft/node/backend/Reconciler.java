package io.weft.node.backend;

import io.weft.config.IpAddress;
import io.weft.node.dataplane.ChangeFailure;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.KernelChange;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Brings the kernel to a {@link DesiredState}: lists weft's objects, diffs them against what is
 * wanted and applies the difference in one batch.
 *
 * <p>The diff is pure and minimal: an object that is missing or differs is replaced, an object of
 * weft's that nobody wants (left by an earlier run, or by a peer that went away) is deleted, an
 * object already right is left alone. Only weft's objects are ever looked at: routes come
 * filtered by weft's protocol, neighbours and FDB entries are read only on the desired state's
 * devices. Deletes go first, then neighbours and FDB entries before the routes that use them.
 * Applying the same desired state twice makes no change the second time (and no apply call).
 */
public final class Reconciler {

    /** The kernel's identity of a neighbour: what a replace overwrites. */
    record NeighbourKey(String device, IpAddress address) {}

    /** The kernel's identity of an FDB entry. */
    record FdbKey(String device, String mac) {}

    static NeighbourKey key(KernelNeighbour neighbour) {
        return new NeighbourKey(neighbour.device(), neighbour.address());
    }

    static FdbKey key(KernelFdbEntry entry) {
        return new FdbKey(entry.device(), entry.mac());
    }

    private static final Comparator<KernelRoute> ROUTE_ORDER = Comparator.comparing(KernelRoute::destination);
    private static final Comparator<KernelNeighbour> NEIGHBOUR_ORDER =
            Comparator.comparing(KernelNeighbour::device).thenComparing(KernelNeighbour::address);
    private static final Comparator<KernelFdbEntry> FDB_ORDER =
            Comparator.comparing(KernelFdbEntry::device).thenComparing(KernelFdbEntry::mac);

    /**
     * The changes that turn {@code actual} into {@code desired}.
     *
     * @param added   replaces of objects the kernel lacks
     * @param changed replaces of objects the kernel holds in another form
     * @param removed deletes of objects nobody wants
     */
    public record Plan(List<KernelChange> changes, int added, int changed, int removed) {

        public Plan {
            changes = List.copyOf(changes);
        }

        public boolean isEmpty() {
            return changes.isEmpty();
        }
    }

    /**
     * What one reconcile did: the counts of planned changes, and the changes the kernel refused
     * (each is tried again on the next reconcile, since the diff will still show it).
     */
    public record Summary(int added, int changed, int removed, List<ChangeFailure> failures) {

        public Summary {
            failures = List.copyOf(failures);
        }

        public int changes() {
            return added + changed + removed;
        }
    }

    private Reconciler() {}

    /** Lists, diffs and applies over every route with weft's protocol; answers what changed. */
    public static Summary reconcile(Dataplane dataplane, DesiredState desired) {
        return reconcile(dataplane, desired, RouteOwnership.everything());
    }

    /**
     * Lists, diffs and applies; answers what changed. Only routes {@code ownership} calls this
     * instance's are looked at, so another instance's routes are neither changed nor deleted.
     */
    public static Summary reconcile(Dataplane dataplane, DesiredState desired, RouteOwnership ownership) {
        Plan plan = diff(desired, KernelState.read(dataplane, desired.devices(), ownership));
        List<ChangeFailure> failures = plan.isEmpty() ? List.of() : dataplane.apply(plan.changes());
        return new Summary(plan.added(), plan.changed(), plan.removed(), failures);
    }

    /** Pure: the minimal changes from {@code actual} to {@code desired}. */
    public static Plan diff(DesiredState desired, KernelState actual) {
        Tally tally = new Tally();
        Side<KernelRoute> routes =
                side(desired.routes(), actual.routes(), KernelRoute::destination, ROUTE_ORDER, tally);
        Side<KernelNeighbour> neighbours =
                side(desired.neighbours(), actual.neighbours(), Reconciler::key, NEIGHBOUR_ORDER, tally);
        Side<KernelFdbEntry> fdb = side(desired.fdb(), actual.fdb(), Reconciler::key, FDB_ORDER, tally);

        List<KernelChange> changes = new ArrayList<>();
        routes.stale().forEach(r -> changes.add(new KernelChange.RouteDelete(r)));
        neighbours.stale().forEach(n -> changes.add(new KernelChange.NeighbourDelete(n)));
        fdb.stale().forEach(f -> changes.add(new KernelChange.FdbDelete(f)));
        neighbours.wanted().forEach(n -> changes.add(new KernelChange.NeighbourReplace(n)));
        fdb.wanted().forEach(f -> changes.add(new KernelChange.FdbReplace(f)));
        routes.wanted().forEach(r -> changes.add(new KernelChange.RouteReplace(r)));
        return new Plan(changes, tally.added, tally.changed, tally.removed);
    }

    private static final class Tally {
        int added;
        int changed;
        int removed;
    }

    /** For one kind of object: what to replace and what to delete, each in a stable order. */
    private record Side<T>(List<T> wanted, List<T> stale) {}

    private static <T> Side<T> side(
            Set<T> desired, Set<T> actual, Function<T, ?> key, Comparator<T> order, Tally tally) {
        Map<Object, T> present = HashMap.newHashMap(actual.size());
        for (T object : actual) {
            present.put(key.apply(object), object);
        }
        List<T> wanted = new ArrayList<>();
        for (T object : desired) {
            T current = present.remove(key.apply(object));
            if (current == null) {
                tally.added++;
                wanted.add(object);
            } else if (!current.equals(object)) {
                tally.changed++;
                wanted.add(object);
            }
        }
        List<T> stale = new ArrayList<>(present.values());
        tally.removed += stale.size();
        wanted.sort(order);
        stale.sort(order);
        return new Side<>(wanted, stale);
    }
}
