package io.weft.node.netlink;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.node.dataplane.HostInterface;
import io.weft.node.dataplane.HostInterfaces;
import io.weft.node.dataplane.HostRoute;
import io.weft.node.dataplane.LinkInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@link HostInterfaces} over rtnetlink dumps of one network namespace (the process's, or one
 * given): links, then addresses of both families, then routes, joined by interface index. Its
 * own socket, so it may run on another thread than the {@link NetlinkDataplane}; one thread at a
 * time.
 */
public final class NetlinkHostInterfaces implements HostInterfaces {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(30);

    private final NetlinkChannel channel;

    private NetlinkHostInterfaces(Path namespace) {
        this.channel = new NetlinkChannel(NetlinkSocket.open(namespace, 0, ANSWER_TIMEOUT));
    }

    /** The interfaces of the network namespace the calling thread is in. */
    public static NetlinkHostInterfaces open() {
        return new NetlinkHostInterfaces(null);
    }

    /** The interfaces of another network namespace, given by a file such as /var/run/netns/NAME. */
    public static NetlinkHostInterfaces openIn(Path namespaceFile) {
        return new NetlinkHostInterfaces(namespaceFile);
    }

    @Override
    public synchronized List<HostInterface> interfaces() {
        Map<Integer, List<HostInterface.Address>> addresses = new HashMap<>();
        for (IpFamily family : IpFamily.values()) {
            channel.dump("addr show", (w, seq) -> AddressMessages.dump(w, seq, AddressFamily.of(family)))
                    .forEach(message -> AddressMessages.parseHostAddress(message)
                            .ifPresent(address -> addresses
                                    .computeIfAbsent(AddressMessages.deviceIndex(message), i -> new ArrayList<>())
                                    .add(address)));
        }
        return links().stream()
                .map(link -> new HostInterface(
                        link.name(), link.index(), link.mtu(), addresses.getOrDefault(link.index(), List.of())))
                .sorted(Comparator.comparingInt(HostInterface::index))
                .toList();
    }

    @Override
    public synchronized List<HostRoute> routes(IpFamily family) {
        List<RouteMessages.MainRoute> entries = channel
                .dump("route show table main", (w, seq) -> RouteMessages.dump(w, seq, AddressFamily.of(family)))
                .stream()
                .flatMap(m -> RouteMessages.parseMainRoute(m).stream())
                .filter(entry -> entry.destination().family() == family)
                .toList();
        if (entries.isEmpty()) {
            return List.of();
        }
        Map<Integer, String> names = new HashMap<>();
        links().forEach(link -> names.put(link.index(), link.name()));
        return entries.stream()
                .map(entry -> new HostRoute(
                        entry.destination(),
                        entry.gateway(),
                        names.getOrDefault(entry.deviceIndex(), "if" + entry.deviceIndex())))
                .toList();
    }

    @Override
    public synchronized Optional<String> deviceTo(IpAddress destination) {
        OptionalInt index = channel
                .request(
                        "route get " + destination,
                        (w, seq) -> RouteMessages.get(w, seq, destination),
                        Errno.ENETUNREACH,
                        Errno.EHOSTUNREACH)
                .stream()
                .map(RouteMessages::outputDevice)
                .filter(OptionalInt::isPresent)
                .findFirst()
                .orElse(OptionalInt.empty());
        if (index.isEmpty()) {
            return Optional.empty();
        }
        return links().stream()
                .filter(link -> link.index() == index.getAsInt())
                .map(LinkInfo::name)
                .findFirst();
    }

    private List<LinkInfo> links() {
        return channel.dump("link show", LinkMessages::dump).stream()
                .flatMap(m -> LinkMessages.parse(m).stream())
                .toList();
    }

    @Override
    public synchronized void close() {
        channel.close();
    }
}
