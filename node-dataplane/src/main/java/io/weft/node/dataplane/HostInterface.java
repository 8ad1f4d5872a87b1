package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.util.List;

/**
 * An interface of the host as {@code ip addr show} lists it.
 *
 * @param name      e.g. eth0
 * @param index     the kernel's interface index
 * @param mtu       its MTU
 * @param addresses its addresses with their prefix lengths, IPv4 and IPv6
 */
public record HostInterface(String name, int index, int mtu, List<Address> addresses) {

    public HostInterface {
        addresses = List.copyOf(addresses);
    }

    /** An address on the interface with its prefix length: 192.168.77.2 and 24. */
    public record Address(IpAddress address, int length) {

        /** The subnet the address sits on: 192.168.77.0/24. */
        public IpPrefix network() {
            return IpPrefix.containing(address, length);
        }
    }
}
