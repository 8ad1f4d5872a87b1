package io.weft.node.agent;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.backend.ExternalLink;
import java.io.IOException;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The host's external interface: the one the overlay runs over (vxlan) or routes through
 * (host-gw), with its addresses and MTU.
 *
 * @param name      e.g. eth0
 * @param mtu       its MTU
 * @param addresses its addresses with their prefix lengths, IPv4 and IPv6
 */
public record ExternalInterface(String name, int mtu, List<IpPrefixOfHost> addresses) {

    /** An address on the interface with its prefix length: 192.168.77.2 and 24. */
    public record IpPrefixOfHost(IpAddress address, int length) {
        IpPrefix network() {
            return IpPrefix.containing(address, length);
        }
    }

    /** The backends' view of it: its addresses and the subnets they sit on. */
    public ExternalLink toLink() {
        Set<IpAddress> own = new LinkedHashSet<>();
        Set<IpPrefix> subnets = new LinkedHashSet<>();
        for (IpPrefixOfHost address : addresses) {
            own.add(address.address());
            subnets.add(address.network());
        }
        return new ExternalLink(name, mtu, own, subnets);
    }

    /** How the operator chose it: by name, by regular expression, by public IP (each may be null). */
    public record Choice(String name, Pattern regex, IpAddress publicIp) {
    }

    /** The address of a family to use as the node's public IP: the one given, else the first global one. */
    public Optional<IpAddress> publicAddress(IpFamily family, IpAddress given) {
        if (given != null) {
            return Optional.of(given);
        }
        return addresses.stream().map(IpPrefixOfHost::address)
                .filter(a -> a.family() == family && !isLinkLocal(a)).findFirst();
    }

    /** True when the address is one of this interface's own. */
    public boolean owns(IpAddress address) {
        return addresses.stream().anyMatch(a -> a.address().equals(address));
    }

    /**
     * Finds the interface. Order as in flannel: --iface by name, then --iface-regex, then the
     * interface holding --public-ip, then the interface of the IPv4 default route.
     */
    public static ExternalInterface find(Choice choice) throws SocketException {
        List<NetworkInterface> all = Collections.list(NetworkInterface.getNetworkInterfaces());
        NetworkInterface found;
        if (choice.name() != null) {
            found = NetworkInterface.getByName(choice.name());
            if (found == null) {
                throw new IllegalArgumentException("--iface " + choice.name() + ": no such interface; have "
                        + all.stream().map(NetworkInterface::getName).sorted().toList());
            }
        } else if (choice.regex() != null) {
            found = all.stream().filter(nic -> choice.regex().matcher(nic.getName()).matches())
                    .min(Comparator.comparing(NetworkInterface::getIndex)).orElseThrow(() ->
                            new IllegalArgumentException("--iface-regex " + choice.regex() + " matches no interface"));
        } else if (choice.publicIp() != null) {
            found = null;
            for (NetworkInterface nic : all) {
                if (of(nic).owns(choice.publicIp())) {
                    found = nic;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("--public-ip " + choice.publicIp()
                        + " is not an address of any interface; name the interface with --iface");
            }
        } else {
            String name = defaultRouteInterface().orElseThrow(() -> new IllegalArgumentException(
                    "no default route to pick the external interface from; use --iface"));
            found = NetworkInterface.getByName(name);
        }
        return of(found);
    }

    static ExternalInterface of(NetworkInterface nic) throws SocketException {
        List<IpPrefixOfHost> addresses = new ArrayList<>();
        for (InterfaceAddress address : nic.getInterfaceAddresses()) {
            addresses.add(new IpPrefixOfHost(IpAddress.fromBytes(address.getAddress().getAddress()),
                    address.getNetworkPrefixLength()));
        }
        return new ExternalInterface(nic.getName(), nic.getMTU(), List.copyOf(addresses));
    }

    /** The interface of the IPv4 default route, from /proc/net/route. */
    static Optional<String> defaultRouteInterface() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/route")).stream().skip(1).toList()) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 2 && fields[1].equals("00000000")) {
                    return Optional.of(fields[0]);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean isLinkLocal(IpAddress address) {
        byte[] bytes = address.toBytes();
        return bytes.length == 16 ? (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xc0) == 0x80
                : (bytes[0] & 0xff) == 169 && (bytes[1] & 0xff) == 254;
    }
}
