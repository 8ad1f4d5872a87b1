package io.weft.node.backend;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.ReservedRange;
import java.util.Optional;

/**
 * Whether programming a peer's lease is safe for this host: a lease is data anyone with etcd
 * access can write, and a route to its subnet, or a tunnel to its public IP, must never take the
 * host's own traffic. Pure: the host's facts and the config come in, a verdict goes out.
 */
final class PeerSafety {

    /** Why a peer is unsafe: {@code kind} groups peers in the summary log, {@code message} is one peer's story. */
    record Unsafe(String kind, String message) {}

    static final String DEFAULT_ROUTE = "covers the default route";
    static final String OUT_OF_RANGE = "outside SubnetMin..SubnetMax";
    static final String HOST_ADDRESS = "overlaps this host's addresses";
    static final String CONNECTED_ROUTE = "overlaps a connected route";
    static final String ALLOCATOR_ROUTE = "covers the route to the allocator";
    static final String BAD_PUBLIC_IP = "unusable public IP";

    private PeerSafety() {}

    /** The first rule the peer's subnet or public IP breaks, or empty when it is safe to program. */
    static Optional<Unsafe> check(HostFacts host, NetworkConfig network, IpPrefix subnet, IpAddress publicIp) {
        if (subnet.length() == 0) {
            return unsafe(DEFAULT_ROUTE, "subnet " + subnet + " covers the default route");
        }
        for (IpAddress address : host.addresses()) {
            if (subnet.contains(address)) {
                return unsafe(HOST_ADDRESS, "subnet " + subnet + " holds this host's address " + address);
            }
        }
        for (IpPrefix connected : host.connected()) {
            if (subnet.overlaps(connected)) {
                return unsafe(CONNECTED_ROUTE, "subnet " + subnet + " overlaps the connected route " + connected);
            }
        }
        for (IpAddress hop : host.allocatorPath()) {
            if (subnet.contains(hop)) {
                return unsafe(
                        ALLOCATOR_ROUTE,
                        "subnet " + subnet + " holds " + hop + ", on this host's way to the allocator");
            }
        }
        boolean v4 = subnet.family() == IpFamily.IPV4;
        IpAddress min = v4 ? network.subnetMin() : network.ipv6SubnetMin();
        IpAddress max = v4 ? network.subnetMax() : network.ipv6SubnetMax();
        if (min != null
                && max != null
                && (subnet.address().compareTo(min) < 0 || subnet.address().compareTo(max) > 0)) {
            String fields = v4 ? "SubnetMin..SubnetMax " : "IPv6SubnetMin..IPv6SubnetMax ";
            return unsafe(OUT_OF_RANGE, "subnet " + subnet + " is outside " + fields + min + ".." + max);
        }
        Optional<ReservedRange> reserved = ReservedRange.holding(publicIp);
        if (reserved.isPresent()) {
            return unsafe(BAD_PUBLIC_IP, "public IP " + publicIp + " is in " + reserved.get());
        }
        return Optional.empty();
    }

    private static Optional<Unsafe> unsafe(String kind, String message) {
        return Optional.of(new Unsafe(kind, message));
    }
}
