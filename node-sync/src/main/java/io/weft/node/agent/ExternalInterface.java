package io.weft.node.agent;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.backend.ExternalLink;
import io.weft.node.dataplane.HostInterface;
import io.weft.node.dataplane.HostInterfaces;
import io.weft.node.dataplane.HostRoute;
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

    /** How the operator chose it: by name, by regular expression, by public IP (each may be null). */
    public record Choice(String name, Pattern regex, IpAddress publicIp) {}

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
     * Finds the interface. Order as in flannel: --iface by name, then --iface-regex, then the
     * interface holding --public-ip, then the interface of the IPv4 default route.
     */
    public static ExternalInterface find(Choice choice, HostInterfaces host) {
        List<HostInterface> all = host.interfaces();
        HostInterface found;
        if (choice.name() != null) {
            found = first(all, nic -> nic.name().equals(choice.name()))
                    .orElseThrow(() -> new IllegalArgumentException("--iface " + choice.name()
                            + ": no such interface; have "
                            + all.stream().map(HostInterface::name).sorted().toList()));
        } else if (choice.regex() != null) {
            found = first(all, nic -> choice.regex().matcher(nic.name()).matches())
                    .orElseThrow(() ->
                            new IllegalArgumentException("--iface-regex " + choice.regex() + " matches no interface"));
        } else if (choice.publicIp() != null) {
            found = first(
                            all,
                            nic -> nic.addresses().stream()
                                    .anyMatch(a -> a.address().equals(choice.publicIp())))
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
