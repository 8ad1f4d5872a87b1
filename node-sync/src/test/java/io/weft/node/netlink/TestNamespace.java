package io.weft.node.netlink;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.testsupport.NetworkNamespace;
import java.util.List;
import java.util.Optional;

/**
 * A throw-away network namespace for one test class, made with {@code ip netns add
 * weft-test-RANDOM}, with a veth pair inside it as the underlay: {@value #UNDERLAY}
 * (192.168.77.1/24, fd77::1/64, IPv6 without duplicate address detection so it is usable at
 * once) and its peer {@value #PEER}, both up. The peer holds no address, so the other addresses
 * of the underlay's subnets (such as 192.168.77.2 and fd77::2) are remote hosts that can serve as
 * gateways. Tests may use {@link #ip} and {@link #bridge} to set up fixtures and to cross-check
 * what netlink did. The namespace itself is weft-test-support's {@link NetworkNamespace}.
 */
final class TestNamespace {

    static final String UNDERLAY = "weft0";
    static final String PEER = "weft1";
    static final IpAddress UNDERLAY_IPV4 = IpAddress.parse("192.168.77.1");
    static final IpPrefix UNDERLAY_IPV4_SUBNET = IpPrefix.parse("192.168.77.0/24");
    static final IpAddress UNDERLAY_IPV6 = IpAddress.parse("fd77::1");
    static final IpPrefix UNDERLAY_IPV6_SUBNET = IpPrefix.parse("fd77::/64");

    private TestNamespace() {}

    /** Skips the calling test class unless it runs as root with iproute2's netns support. */
    static void assumeAvailable() {
        Optional<String> unavailable = NetworkNamespace.unavailableReason();
        assumeTrue(unavailable.isEmpty(), () -> unavailable.orElse(""));
    }

    /** A new namespace with the underlay (the test class closes it), or the test skipped. */
    static NetworkNamespace create() {
        assumeAvailable();
        NetworkNamespace namespace = NetworkNamespace.create("weft-test");
        try {
            namespace.addUnderlay(UNDERLAY, PEER, 0, List.of(UNDERLAY_IPV4 + "/24", UNDERLAY_IPV6 + "/64"));
            return namespace;
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
    }
}
