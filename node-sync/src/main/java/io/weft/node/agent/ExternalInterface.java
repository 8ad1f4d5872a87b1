package io.weft.node.agent;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.backend.ExternalLink;
import io.weft.node.dataplane.HostInterface;
import io.weft.node.dataplane.HostInterfaces;
import io.weft.node.dataplane.HostRoute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The host's external interface: the one the overlay runs over (vxlan) or routes through
 * (host-gw), with its addresses and MTU.
 *
 * @param name      e.g. eth0
 * @param mtu       its MTU
 * @param addresses its addresses with their prefix lengths, IPv4 and IPv6
 */
public record ExternalInterface(String name, int mtu, List<HostInterface.Address> addresses) {

    /** The backends' view of it: its addresses and the subnets they sit on. */
    public ExternalLink toLink() {
        Set<IpAddress> own = new LinkedHashSet<>();
        Set<IpPrefix> subnets = new LinkedHashSet<>();
        for (HostInterface.Address address : addresses) {
            own.add(address.address());
            subnets.add(address.network());
        }
        return new ExternalLink(name, mtu, own, subnets);
    }

    /**
     * How the operator chose it: --iface (names or addresses) and --iface-regex, each tried in
     * order; --iface-can-reach; --public-ip (each may be empty or null).
     */
    public record Choice(List<String> names, List<Pattern> regexes, IpAddress canReach, IpAddress publicIp) {

        public Choice {
            names = List.copyOf(names);
            regexes = List.copyOf(regexes);
        }

        /** No choice made: the interface of the default route. */
        public static Choice none() {
            return new Choice(List.of(), List.of(), null, null);
        }
    }

    /** The address of a family to use as the node's public IP: the one given, else the first global one. */
    public Optional<IpAddress> publicAddress(IpFamily family, IpAddress given) {
        if (given != null) {
            return Optional.of(given);
        }
        return addresses.stream()
                .map(HostInterface.Address::address)
                .filter(a -> a.family() == family && !isLinkLocal(a))
                .findFirst();
    }

    /**
     * Finds the interface. Order as in flannel: each --iface (an interface's name, or one of its
     * addresses) in turn, then each --iface-regex; then the interface the kernel routes
     * --iface-can-reach through; then the one holding --public-ip; else the IPv4 default route's.
     */
    public static ExternalInterface find(Choice choice, HostInterfaces host) {
        List<HostInterface> all = host.interfaces();
        HostInterface found;
        if (!choice.names().isEmpty() || !choice.regexes().isEmpty()) {
            found = byNameOrPattern(choice, all);
        } else if (choice.canReach() != null) {
            String device = host.deviceTo(choice.canReach())
                    .orElseThrow(() -> new IllegalArgumentException(
                            "--iface-can-reach " + choice.canReach() + ": no route to it"));
            found = first(all, nic -> nic.name().equals(device))
                    .orElseThrow(() -> new IllegalArgumentException(
                            "--iface-can-reach " + choice.canReach() + ": the route's device " + device + " is gone"));
        } else if (choice.publicIp() != null) {
            found = first(all, nic -> holds(nic, choice.publicIp()))
                    .orElseThrow(() -> new IllegalArgumentException("--public-ip " + choice.publicIp()
                            + " is not an address of any interface; name the interface with --iface"));
        } else {
            String device = host.routes(IpFamily.IPV4).stream()
                    .filter(HostRoute::isDefault)
                    .map(HostRoute::device)
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(
                            "no default route to pick the external interface from; use --iface"));
            found = first(all, nic -> nic.name().equals(device))
                    .orElseThrow(() -> new IllegalArgumentException(
                            "the default route's device " + device + " is gone; use --iface"));
        }
        return new ExternalInterface(found.name(), found.mtu(), found.addresses());
    }

    private static HostInterface byNameOrPattern(Choice choice, List<HostInterface> all) {
        for (String wanted : choice.names()) {
            Optional<IpAddress> address = parse(wanted);
            Optional<HostInterface> match = first(
                    all,
                    nic -> address.map(a -> holds(nic, a)).orElse(nic.name().equals(wanted)));
            if (match.isPresent()) {
                return match.get();
            }
        }
        for (Pattern regex : choice.regexes()) {
            Optional<HostInterface> match =
                    first(all, nic -> regex.matcher(nic.name()).matches());
            if (match.isPresent()) {
                return match.get();
            }
        }
        List<String> tried = new ArrayList<>();
        choice.names().forEach(name -> tried.add("--iface " + name));
        choice.regexes().forEach(regex -> tried.add("--iface-regex " + regex));
        throw new IllegalArgumentException(String.join(", ", tried) + ": no interface matches; have "
                + all.stream().map(HostInterface::name).sorted().toList());
    }

    private static boolean holds(HostInterface nic, IpAddress address) {
        return nic.addresses().stream().anyMatch(a -> a.address().equals(address));
    }

    private static Optional<IpAddress> parse(String text) {
        try {
            return Optional.of(IpAddress.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<HostInterface> first(List<HostInterface> all, Predicate<HostInterface> wanted) {
        return all.stream().filter(wanted).min(Comparator.comparingInt(HostInterface::index));
    }

    private static boolean isLinkLocal(IpAddress address) {
        byte[] bytes = address.toBytes();
        return bytes.length == 16
                ? (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xc0) == 0x80
                : (bytes[0] & 0xff) == 169 && (bytes[1] & 0xff) == 254;
    }
}
