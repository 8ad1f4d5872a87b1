package io.weft.node.netlink;

import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.ChangeFailure;
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.DataplaneException;
import io.weft.node.dataplane.KernelChange;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import io.weft.node.dataplane.LinkEvent;
import io.weft.node.dataplane.LinkInfo;
import io.weft.node.dataplane.VxlanSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The {@link Dataplane} on the Linux kernel, over an rtnetlink socket driven through the Foreign
 * Function and Memory API (no JNI, no ip or bridge processes). The socket lives in the network
 * namespace it was opened in, whichever namespace the calling thread is in later.
 *
 * <p>Not thread-safe, like the seam: one agent thread drives it. The watchers run on their own
 * sockets and threads. A kernel refusal of a single call is a {@link DataplaneException} such as
 * {@code addr replace 10.244.1.0/32 dev flannel.1: Cannot find device "flannel.1" (ENODEV)}.
 */
public final class NetlinkDataplane implements Dataplane {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final Path namespace;
    private final NetlinkChannel channel;
    private final ChangeBatchApplier batches;
    private boolean closed;

    private NetlinkDataplane(Path namespace) {
        this.namespace = namespace;
        this.channel = new NetlinkChannel(NetlinkSocket.open(namespace, 0, ANSWER_TIMEOUT));
        try {
            this.batches = new ChangeBatchApplier(
                    channel.socket(), name -> linkByName(name).map(LinkInfo::index));
        } catch (RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A dataplane for the network namespace the calling thread is in. */
    public static NetlinkDataplane open() {
        return new NetlinkDataplane(null);
    }

    /**
     * A dataplane for another network namespace, given by a file such as /var/run/netns/NAME
     * (what {@code ip netns add NAME} creates) or /proc/PID/ns/net.
     */
    public static NetlinkDataplane openIn(Path namespaceFile) {
        return new NetlinkDataplane(namespaceFile);
    }

    /** {@code ip -d link show NAME}. */
    @Override
    public Optional<LinkInfo> linkByName(String name) {
        String what = "link show " + name;
        NetlinkChannel.Answer answer = channel().exchange(what, (w, seq) -> LinkMessages.getByName(w, seq, name));
        if (answer.ack().errno() == Errno.ENODEV.value()) {
            return Optional.empty();
        }
        if (!answer.ack().succeeded()) {
            throw new DataplaneException(
                    what + ": " + answer.ack().reason(), answer.ack().errno());
        }
        return answer.replies().stream()
                .flatMap(m -> LinkMessages.parse(m).stream())
                .findFirst();
    }

    /**
     * {@code ip link add NAME address MAC mtu MTU type vxlan id VNI local LOCAL dev UNDERLAY
     * dstport PORT nolearning [gbp]}; a port or MTU of 0 leaves the kernel's default (8472; the
     * underlay MTU minus the encapsulation). Fails with EEXIST when NAME exists.
     */
    @Override
    public LinkInfo vxlanAdd(VxlanSpec spec) {
        String what = LinkMessages.describeVxlanAdd(spec);
        int underlay = existingIndex(spec.underlay(), what);
        channel().request(what, (w, seq) -> LinkMessages.addVxlan(w, seq, spec, underlay));
        return linkByName(spec.name())
                .orElseThrow(() -> new DataplaneException(
                        what + ": the device vanished right after it was created (ENODEV)", Errno.ENODEV.value()));
    }

    /** {@code ip link del NAME}; a missing device is not an error. */
    @Override
    public void linkDelete(String name) {
        channel().request("link del " + name, (w, seq) -> LinkMessages.deleteByName(w, seq, name), Errno.ENODEV);
    }

    /** {@code ip link set NAME up}; fails with ENODEV for a missing device. */
    @Override
    public void linkSetUp(String name) {
        channel().request("link set " + name + " up", (w, seq) -> LinkMessages.setUp(w, seq, name));
    }

    /** {@code ip link set NAME mtu MTU}; ENODEV for a missing device, EINVAL for an MTU it cannot take. */
    @Override
    public void linkSetMtu(String name, int mtu) {
        channel().request("link set " + name + " mtu " + mtu, (w, seq) -> LinkMessages.setMtu(w, seq, name, mtu));
    }

    /**
     * {@code ip -4|-6 addr show dev DEVICE}, sorted. Addresses with host bits set
     * (192.168.1.5/24) are left out: an {@link IpPrefix} cannot hold them.
     */
    @Override
    public List<IpPrefix> addressList(String device, IpFamily family) {
        String what = "addr show dev " + device;
        int index = existingIndex(device, what);
        return channel().dump(what, (w, seq) -> AddressMessages.dump(w, seq, AddressFamily.of(family))).stream()
                .filter(m -> AddressMessages.deviceIndex(m) == index)
                .flatMap(m -> AddressMessages.parse(m).stream())
                .filter(prefix -> prefix.family() == family)
                .sorted()
                .toList();
    }

    /** {@code ip addr replace ADDRESS dev DEVICE}. */
    @Override
    public void addressReplace(String device, IpPrefix address) {
        String what = AddressMessages.describe("replace", device, address);
        int index = existingIndex(device, what);
        channel().request(what, (w, seq) -> AddressMessages.replace(w, seq, index, address));
    }

    /** {@code ip addr del ADDRESS dev DEVICE}; a missing address or device is not an error. */
    @Override
    public void addressDelete(String device, IpPrefix address) {
        Optional<LinkInfo> link = linkByName(device);
        if (link.isPresent()) {
            int index = link.get().index();
            channel()
                    .request(
                            AddressMessages.describe("del", device, address),
                            (w, seq) -> AddressMessages.delete(w, seq, index, address),
                            Errno.EADDRNOTAVAIL,
                            Errno.ENODEV);
        }
    }

    /** {@code ip -4|-6 route show table main proto 0x77}: only routes carrying {@link RouteProtocol#WEFT}. */
    @Override
    public List<KernelRoute> routeList(IpFamily family) {
        List<RouteMessages.RouteEntry> entries = channel()
                .dump("route show proto 0x77", (w, seq) -> RouteMessages.dump(w, seq, AddressFamily.of(family)))
                .stream()
                .flatMap(m -> RouteMessages.parseWeftRoute(m).stream())
                .filter(entry -> entry.destination().family() == family)
                .toList();
        if (entries.isEmpty()) {
            return List.of();
        }
        Map<Integer, String> names = linkNames();
        return entries.stream()
                .map(entry -> entry.withDevice(names.getOrDefault(entry.deviceIndex(), "if" + entry.deviceIndex())))
                .toList();
    }

    @Override
    public List<IpPrefix> blackholeList(IpFamily family) {
        return channel()
                .dump(
                        "route show type blackhole proto 0x77",
                        (w, seq) -> RouteMessages.dump(w, seq, AddressFamily.of(family)))
                .stream()
                .flatMap(m -> RouteMessages.parseWeftBlackhole(m, BLACKHOLE_METRIC).stream())
                .filter(destination -> destination.family() == family)
                .sorted()
                .toList();
    }

    @Override
    public void blackholeReplace(IpPrefix destination) {
        channel()
                .request(
                        "route replace blackhole " + destination + " metric " + BLACKHOLE_METRIC,
                        (w, seq) -> RouteMessages.replaceBlackhole(w, seq, destination, BLACKHOLE_METRIC));
    }

    @Override
    public void blackholeDelete(IpPrefix destination) {
        channel()
                .request(
                        "route del blackhole " + destination + " metric " + BLACKHOLE_METRIC,
                        (w, seq) -> RouteMessages.deleteBlackhole(w, seq, destination, BLACKHOLE_METRIC),
                        Errno.ESRCH);
    }

    /** {@code ip -4|-6 neigh show dev DEVICE nud permanent}, sorted by address. */
    @Override
    public List<KernelNeighbour> neighbourList(String device, IpFamily family) {
        String what = "neigh show dev " + device;
        int index = existingIndex(device, what);
        return channel().dump(what, (w, seq) -> NeighbourMessages.dump(w, seq, family, index)).stream()
                .flatMap(m -> NeighbourMessages.parsePermanent(m, family, index).stream())
                .map(entry -> new KernelNeighbour(entry.address(), entry.mac(), device))
                .sorted(Comparator.comparing(KernelNeighbour::address))
                .toList();
    }

    /** {@code bridge fdb show dev DEVICE}: the entries with a remote destination, sorted by MAC. */
    @Override
    public List<KernelFdbEntry> fdbList(String device) {
        String what = "fdb show dev " + device;
        int index = existingIndex(device, what);
        return channel().dump(what, (w, seq) -> FdbMessages.dump(w, seq, index)).stream()
                .flatMap(m -> FdbMessages.parse(m, index).stream())
                .map(entry -> new KernelFdbEntry(entry.mac(), entry.destination(), device))
                .sorted(Comparator.comparing(KernelFdbEntry::mac))
                .toList();
    }

    /**
     * The equivalent of {@code ip -batch} / {@code bridge -batch} over the changes' commands
     * ({@code route replace|del}, {@code neigh replace|del}, {@code fdb replace|del}), but with
     * up to 64 KiB of requests per sendto and up to 256 acknowledgements per recvmmsg.
     */
    @Override
    public List<ChangeFailure> apply(List<KernelChange> changes) {
        ensureOpen();
        return changes.isEmpty() ? List.of() : batches.apply(changes);
    }

    /** {@code ip monitor link}: see {@link #watchLinks(Consumer, Runnable)}. */
    public NetlinkSubscription watchLinks(Consumer<LinkEvent> events) {
        return watchLinks(events, () -> {});
    }

    /**
     * {@code ip monitor link}: calls {@code events} on a dedicated thread for every device added,
     * changed or removed in this dataplane's namespace, until the answer is closed. When the
     * kernel drops notifications because the consumer fell behind, calls {@code eventsLost}.
     */
    @Override
    public NetlinkSubscription watchLinks(Consumer<LinkEvent> events, Runnable eventsLost) {
        return NetlinkSubscription.start(
                namespace,
                NetlinkSubscription.RTMGRP_LINK,
                "weft-netlink-links",
                message -> LinkMessages.event(message).ifPresent(events),
                eventsLost);
    }

    /** {@code ip monitor route}: see {@link #watchRoutes(Consumer, Runnable)}. */
    public NetlinkSubscription watchRoutes(Consumer<RouteEvent> events) {
        return watchRoutes(events, () -> {});
    }

    /**
     * {@code ip monitor route}, for weft's routes only: calls {@code events} on a dedicated thread
     * whenever one is added, replaced or removed, until the answer is closed; {@code eventsLost}
     * when the kernel dropped notifications.
     */
    public NetlinkSubscription watchRoutes(Consumer<RouteEvent> events, Runnable eventsLost) {
        return NetlinkSubscription.start(
                namespace,
                NetlinkSubscription.RTMGRP_IPV4_ROUTE | NetlinkSubscription.RTMGRP_IPV6_ROUTE,
                "weft-netlink-routes",
                message -> RouteMessages.parseWeftRoute(message)
                        .ifPresent(entry -> events.accept(new RouteEvent(
                                message.type() == RouteMessages.RTM_DELROUTE
                                        ? RouteEvent.Change.REMOVED
                                        : RouteEvent.Change.ADDED,
                                entry.destination(),
                                entry.gateway(),
                                entry.deviceIndex(),
                                entry.onLink()))),
                eventsLost);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            channel.close();
        }
    }

    /** The request socket, for tests that count system calls. */
    NetlinkSocket requestSocket() {
        return channel.socket();
    }

    private Map<Integer, String> linkNames() {
        Map<Integer, String> names = new HashMap<>();
        channel().dump("link show", LinkMessages::dump).stream()
                .flatMap(m -> LinkMessages.parse(m).stream())
                .forEach(link -> names.put(link.index(), link.name()));
        return names;
    }

    private int existingIndex(String device, String what) {
        return linkByName(device)
                .map(LinkInfo::index)
                .orElseThrow(() -> new DataplaneException(
                        what + ": Cannot find device \"" + device + "\" (ENODEV)", Errno.ENODEV.value()));
    }

    private NetlinkChannel channel() {
        ensureOpen();
        return channel;
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("the netlink dataplane is closed");
        }
    }
}
