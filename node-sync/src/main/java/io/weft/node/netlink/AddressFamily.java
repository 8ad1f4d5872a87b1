package io.weft.node.netlink;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import java.util.Optional;

/** The socket address families rtnetlink messages carry, and their mapping to {@link IpFamily}. */
final class AddressFamily {

    static final int AF_UNSPEC = 0;
    static final int AF_INET = 2;
    static final int AF_BRIDGE = 7;
    static final int AF_INET6 = 10;

    private AddressFamily() {}

    static int of(IpFamily family) {
        return family == IpFamily.IPV4 ? AF_INET : AF_INET6;
    }

    static Optional<IpFamily> toIpFamily(int addressFamily) {
        return switch (addressFamily) {
            case AF_INET -> Optional.of(IpFamily.IPV4);
            case AF_INET6 -> Optional.of(IpFamily.IPV6);
            default -> Optional.empty();
        };
    }

    /** An address attribute's value; empty unless it is 4 or 16 bytes. */
    static Optional<IpAddress> address(Optional<byte[]> bytes) {
        return bytes.filter(b -> b.length == 4 || b.length == 16).map(IpAddress::fromBytes);
    }
}
