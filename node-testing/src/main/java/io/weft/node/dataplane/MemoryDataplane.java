package io.weft.node.dataplane;

import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A small in-memory kernel that records every call: the {@link Dataplane} for logic tests.
 *
 * <p>It keeps links (with indices) and their addresses here, routes, neighbours and FDB entries in
 * {@link MemoryForwarding}, and behaves like the kernel on the points the agent relies on (the
 * same {@code DataplaneContract} runs against this class and the netlink one):
 * <ul>
 *   <li>{@code vxlanAdd} fails with EEXIST when the name is taken, or when another vxlan device
 *       already uses the same VNI, port and address family; ENODEV when the underlay is missing;
 *       an MTU of 0 or above the underlay's MTU minus the encapsulation (50, or 70 over IPv6)
 *       becomes that maximum;</li>
 *   <li>deleting something missing is not an error;</li>
 *   <li>routes, neighbours and FDB entries are refused as {@link MemoryForwarding} says;</li>
 *   <li>deleting a link removes its addresses, routes, neighbours and FDB entries, and the vxlan
 *       devices that ran over it.</li>
 * </ul>
 * An address is held exactly as the seam's {@link IpPrefix} gives it, so an underlay's
 * connected subnet (192.168.77.0/24) stands in for its address (192.168.77.2/24).
 *
 * <p>Recording: {@link #appliedChanges()} (every change handed to {@link #apply}, failed or
 * not), {@link #applyCalls()} and {@link #linkOperations()} (every mutating link or address
 * call), so a test can assert that nothing was changed. {@link #failChange} makes a given
 * change fail. Link events: every device this class adds, changes or deletes is announced to
 * the {@link #watchLinks} subscribers on the calling thread, as the kernel would to
 * {@code ip monitor link}. Its methods are synchronized, so a test may delete a device (as an
 * administrator would) while an agent's thread drives it.
 *
 * <p>Over 300 lines on purpose: it implements the whole {@link Dataplane} seam over one set of
 * links under one lock (routes and neighbours already live in {@link MemoryForwarding}).
 */
public final class MemoryDataplane implements Dataplane {

    /** One mutating link-level call, e.g. {@code vxlanAdd flannel.1 (id 1 ...)}. */
    public record LinkOperation(String verb, String device, String detail) {

        @Override
        public String toString() {
            return verb + " " + device + (detail.isEmpty() ? "" : " (" + detail + ")");
        }
    }

    private static final int ENODEV = 19;
    private static final int EEXIST = 17;
    private static final int EINVAL = 22;
    private static final int ETH_MIN_MTU = 68;
    private static final int DEFAULT_VXLAN_PORT = 8472;

    private final Map<String, MemoryLink> links = new LinkedHashMap<>();
    private final MemoryForwarding forwarding = new MemoryForwarding(links);
    private final Set<IpPrefix> blackholes = new TreeSet<>();
    private final Map<KernelChange, String> injectedFailures = new HashMap<>();
    private final List<KernelChange> applied = new ArrayList<>();
    private final List<LinkOperation> linkOperations = new ArrayList<>();
    private final List<Consumer<LinkEvent>> linkWatchers = new CopyOnWriteArrayList<>();
    private int applyCalls;
    private int nextIndex = 1;
    private boolean closed;

    /** Adds an up, non-vxlan device with MTU 1500 holding {@code addresses} (a test's underlay). */
    public synchronized LinkInfo addUnderlay(String name, IpPrefix... addresses) {
        return addUnderlay(name, 1500, addresses);
    }

    /** Adds an up, non-vxlan device holding {@code addresses}; fails if the name is taken. */
    public synchronized LinkInfo addUnderlay(String name, int mtu, IpPrefix... addresses) {
        open();
        if (links.containsKey(name)) {
            throw new IllegalStateException("device " + name + " already exists");
        }
        int index = nextIndex++;
        String mac = MacAddress.fromBytes(new byte[] {0x02, 0, 0, 0, (byte) (index >> 8), (byte) index});
        MemoryLink link = new MemoryLink(new LinkInfo(name, index, "dummy", true, mtu, mac, Optional.empty()));
        link.addresses.addAll(List.of(addresses));
        links.put(name, link);
        announce(LinkEvent.Change.ADDED, link.info);
        return link.info;
    }

    /** Every later {@link #apply} of a change equal to {@code change} fails with {@code reason}. */
    public synchronized void failChange(KernelChange change, String reason) {
        injectedFailures.put(Objects.requireNonNull(change), Objects.requireNonNull(reason));
    }

    public synchronized void clearFailures() {
        injectedFailures.clear();
    }

    /** Every change handed to {@link #apply} since the last {@link #clearRecording()}, in order. */
    public synchronized List<KernelChange> appliedChanges() {
        return List.copyOf(applied);
    }

    /** How many times {@link #apply} was called since the last {@link #clearRecording()}. */
    public synchronized int applyCalls() {
        return applyCalls;
    }

    /** Every mutating link and address call since the last {@link #clearRecording()}, in order. */
    public synchronized List<LinkOperation> linkOperations() {
        return List.copyOf(linkOperations);
    }

    /** True when nothing was applied and no link or address was touched since the last clear. */
    public synchronized boolean untouched() {
        return applyCalls == 0 && linkOperations.isEmpty();
    }

    public synchronized void clearRecording() {
        applied.clear();
        linkOperations.clear();
        applyCalls = 0;
    }

    @Override
    public synchronized Optional<LinkInfo> linkByName(String name) {
        open();
        return Optional.ofNullable(links.get(name)).map(link -> link.info);
    }

    @Override
    public synchronized LinkInfo vxlanAdd(VxlanSpec spec) {
        open();
        linkOperations.add(new LinkOperation(
                "vxlanAdd",
                spec.name(),
                "id " + spec.vni() + " local " + spec.local() + " dev " + spec.underlay() + " dstport " + spec.port()
                        + " mtu " + spec.mtu() + " address " + spec.mac()));
        String what = "ip link add " + spec.name() + " type vxlan id " + spec.vni();
        if (links.containsKey(spec.name())) {
            throw new DataplaneException(what + ": File exists (EEXIST)", EEXIST);
        }
        MemoryLink underlay = links.get(spec.underlay());
        if (underlay == null) {
            throw new DataplaneException(
                    what + ": underlay device " + spec.underlay() + " does not exist (ENODEV)", ENODEV);
        }
        int port = spec.port() == 0 ? DEFAULT_VXLAN_PORT : spec.port();
        IpFamily family = spec.local().family();
        for (MemoryLink other : links.values()) {
            Optional<LinkInfo.VxlanAttributes> vxlan = other.info.vxlan();
            if (vxlan.isPresent()
                    && vxlan.get().vni() == spec.vni()
                    && vxlan.get().port() == port
                    && vxlan.get().local().family() == family) {
                throw new DataplaneException(
                        what + ": A VXLAN device with the specified VNI already exists (" + other.info.name()
                                + ") (EEXIST)",
                        EEXIST);
            }
        }
        if (spec.mtu() != 0 && spec.mtu() < ETH_MIN_MTU) {
            throw new DataplaneException(what + ": mtu less than device minimum (EINVAL)", EINVAL);
        }
        int maxMtu = Math.max(ETH_MIN_MTU, underlay.info.mtu() - (family == IpFamily.IPV6 ? 70 : 50));
        int mtu = spec.mtu() == 0 ? maxMtu : Math.min(spec.mtu(), maxMtu);
        LinkInfo info = new LinkInfo(
                spec.name(),
                nextIndex++,
                "vxlan",
                false,
                mtu,
                spec.mac(),
                Optional.of(new LinkInfo.VxlanAttributes(
                        spec.vni(), port, spec.local(), underlay.info.index(), spec.learning(), spec.gbp())));
        links.put(spec.name(), new MemoryLink(info));
        announce(LinkEvent.Change.ADDED, info);
        return info;
    }

    @Override
    public synchronized void linkDelete(String name) {
        open();
        linkOperations.add(new LinkOperation("linkDelete", name, ""));
        remove(name);
    }

    /** Removes a device and everything that lived on it, as the kernel does. */
    private void remove(String name) {
        MemoryLink link = links.remove(name);
        if (link == null) {
            return;
        }
        forwarding.removeDevice(name);
        List<String> riders = links.values().stream()
                .filter(other -> other.info
                        .vxlan()
                        .map(v -> v.underlayIndex() == link.info.index())
                        .orElse(false))
                .map(other -> other.info.name())
                .toList();
        riders.forEach(this::remove);
        announce(
                LinkEvent.Change.REMOVED,
                new LinkInfo(
                        name,
                        link.info.index(),
                        link.info.kind(),
                        false,
                        link.info.mtu(),
                        link.info.mac(),
                        link.info.vxlan()));
    }

    private void announce(LinkEvent.Change change, LinkInfo link) {
        LinkEvent event = new LinkEvent(change, link.name(), link.index(), link.up());
        linkWatchers.forEach(watcher -> watcher.accept(event));
    }

    /** Announces every later link change to {@code events}; nothing is ever lost here. */
    @Override
    public Subscription watchLinks(Consumer<LinkEvent> events, Runnable eventsLost) {
        linkWatchers.add(events);
        return () -> linkWatchers.remove(events);
    }

    @Override
    public synchronized void linkSetUp(String name) {
        open();
        linkOperations.add(new LinkOperation("linkSetUp", name, ""));
        MemoryLink link = existing(name, "ip link set " + name + " up");
        LinkInfo i = link.info;
        link.info = new LinkInfo(i.name(), i.index(), i.kind(), true, i.mtu(), i.mac(), i.vxlan());
        if (!i.up()) {
            announce(LinkEvent.Change.CHANGED, link.info);
        }
    }

    @Override
    public synchronized void linkSetMtu(String name, int mtu) {
        open();
        linkOperations.add(new LinkOperation("linkSetMtu", name, "mtu " + mtu));
        String what = "ip link set " + name + " mtu " + mtu;
        MemoryLink link = existing(name, what);
        LinkInfo i = link.info;
        int maxMtu = i.vxlan()
                .flatMap(vxlan -> links.values().stream()
                        .filter(other -> other.info.index() == vxlan.underlayIndex())
                        .findFirst()
                        .map(underlay -> underlay.info.mtu() - (vxlan.local().family() == IpFamily.IPV6 ? 70 : 50)))
                .orElse(65535);
        if (mtu < ETH_MIN_MTU || mtu > maxMtu) {
            throw new DataplaneException(what + ": Invalid argument (EINVAL)", EINVAL);
        }
        link.info = new LinkInfo(i.name(), i.index(), i.kind(), i.up(), mtu, i.mac(), i.vxlan());
        if (i.mtu() != mtu) {
            announce(LinkEvent.Change.CHANGED, link.info);
        }
    }

    @Override
    public synchronized List<IpPrefix> addressList(String device, IpFamily family) {
        open();
        return existing(device, "ip addr show dev " + device).addresses.stream()
                .filter(prefix -> prefix.family() == family)
                .sorted()
                .toList();
    }

    @Override
    public synchronized void addressReplace(String device, IpPrefix address) {
        open();
        linkOperations.add(new LinkOperation("addressReplace", device, address.toString()));
        MemoryLink link = existing(device, "ip addr replace " + address + " dev " + device);
        if (!link.addresses.contains(address)) {
            link.addresses.add(address);
        }
    }

    @Override
    public synchronized void addressDelete(String device, IpPrefix address) {
        open();
        linkOperations.add(new LinkOperation("addressDelete", device, address.toString()));
        MemoryLink link = links.get(device);
        if (link != null) {
            link.addresses.remove(address);
        }
    }

    private MemoryLink existing(String device, String what) {
        MemoryLink link = links.get(device);
        if (link == null) {
            throw new DataplaneException(what + ": Cannot find device \"" + device + "\" (ENODEV)", ENODEV);
        }
        return link;
    }

    @Override
    public synchronized List<KernelRoute> routeList(IpFamily family) {
        open();
        return forwarding.routes(family);
    }

    @Override
    public synchronized List<IpPrefix> blackholeList(IpFamily family) {
        open();
        return blackholes.stream().filter(d -> d.family() == family).sorted().toList();
    }

    @Override
    public synchronized void blackholeReplace(IpPrefix destination) {
        open();
        blackholes.add(destination);
    }

    @Override
    public synchronized void blackholeDelete(IpPrefix destination) {
        open();
        blackholes.remove(destination);
    }

    @Override
    public synchronized List<KernelNeighbour> neighbourList(String device, IpFamily family) {
        open();
        existing(device, "ip neigh show dev " + device);
        return forwarding.neighbours(device, family);
    }

    @Override
    public synchronized List<KernelFdbEntry> fdbList(String device) {
        open();
        existing(device, "bridge fdb show dev " + device);
        return forwarding.fdb(device);
    }

    @Override
    public synchronized List<ChangeFailure> apply(List<KernelChange> changes) {
        open();
        applyCalls++;
        List<ChangeFailure> failures = new ArrayList<>();
        for (KernelChange change : changes) {
            applied.add(change);
            String injected = injectedFailures.get(change);
            String refusal = injected != null ? injected : forwarding.apply(change);
            if (refusal != null) {
                failures.add(new ChangeFailure(change, MemoryForwarding.command(change) + ": " + refusal));
            }
        }
        return List.copyOf(failures);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }

    private void open() {
        if (closed) {
            throw new IllegalStateException("the dataplane is closed");
        }
    }
}
