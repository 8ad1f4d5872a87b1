package io.weft.node.dataplane;

import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The kernel seam: the few link, address, route, neighbour and FDB operations node-sync needs.
 * Two implementations: netlink (the real kernel, in the process's network namespace or one
 * given) and an in-memory recording one for logic tests; one contract test suite holds both to
 * the same behaviour.
 *
 * <p>Names say whether a call is idempotent: "add" fails if the object exists, "replace" creates
 * or replaces, "delete" of a missing object is not an error. Each method's comment names the
 * equivalent ip/bridge command. Not thread-safe: one agent thread drives it. Errors the kernel
 * reports for a single call come back as {@link DataplaneException} naming the operation and
 * object; errors inside a batch come back as {@link ChangeFailure}s so one bad peer never stops
 * the others. Link events ({@link #watchLinks}) are the one exception to the one thread: they
 * arrive on a thread of the implementation's choosing.
 */
public interface Dataplane extends AutoCloseable {

    /** {@code ip link show NAME}. */
    Optional<LinkInfo> linkByName(String name);

    /** {@code ip link add NAME type vxlan ...} (see {@link VxlanSpec}); fails if NAME exists. */
    LinkInfo vxlanAdd(VxlanSpec spec);

    /** {@code ip link del NAME}; a missing device is not an error. */
    void linkDelete(String name);

    /** {@code ip link set NAME up}. */
    void linkSetUp(String name);

    /**
     * {@code ip link set NAME mtu MTU}: changes the MTU in place (the device keeps its index, MAC,
     * addresses, routes and neighbours). Fails for a missing device and for an MTU the device
     * cannot take (below 68, or for vxlan above the underlay's MTU minus the encapsulation).
     */
    void linkSetMtu(String name, int mtu);

    /** {@code ip addr show dev NAME}: the device's addresses of one family. */
    List<IpPrefix> addressList(String device, IpFamily family);

    /** {@code ip addr replace ADDRESS dev NAME}. */
    void addressReplace(String device, IpPrefix address);

    /** {@code ip addr del ADDRESS dev NAME}; a missing address is not an error. */
    void addressDelete(String device, IpPrefix address);

    /** {@code ip route show proto weft}: weft's routes of one family in the main table. */
    List<KernelRoute> routeList(IpFamily family);

    /**
     * {@code ip route show type blackhole proto weft metric }{@value #BLACKHOLE_METRIC}: the
     * destinations of weft's blackhole routes of one family in the main table.
     */
    List<IpPrefix> blackholeList(IpFamily family);

    /**
     * {@code ip route replace blackhole DESTINATION proto weft metric }{@value #BLACKHOLE_METRIC}.
     * The high metric keeps it behind any other route to the same destination (the pods' bridge):
     * it catches only what nothing else routes.
     */
    void blackholeReplace(IpPrefix destination);

    /** {@code ip route del blackhole DESTINATION proto weft metric ...}; a missing route is not an error. */
    void blackholeDelete(IpPrefix destination);

    /** The metric of weft's blackhole routes: behind the kernel's connected routes (0 and 256). */
    int BLACKHOLE_METRIC = 65000;

    /** {@code ip neigh show dev DEVICE nud permanent}: permanent neighbours of one family. */
    List<KernelNeighbour> neighbourList(String device, IpFamily family);

    /** {@code bridge fdb show dev DEVICE} (self, permanent, with a dst). */
    List<KernelFdbEntry> fdbList(String device);

    /**
     * Applies every change, in order, in as few system calls as the implementation can (the
     * netlink one sends many requests per send and reads one acknowledgement each). Every change
     * is attempted even if another fails; answers the ones that failed.
     */
    List<ChangeFailure> apply(List<KernelChange> changes);

    /**
     * {@code ip monitor link}: calls {@code events} for every device added, changed or removed in
     * this dataplane's namespace, by whoever did it, until the answer is closed; calls
     * {@code eventsLost} when some were dropped and the caller should re-read what it follows.
     * The consumer must not call back into the dataplane on the calling thread: hand the work to
     * the thread that drives the dataplane.
     */
    Subscription watchLinks(Consumer<LinkEvent> events, Runnable eventsLost);

    /** A running {@link #watchLinks} subscription; closing stops its events. */
    interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    void close();
}
