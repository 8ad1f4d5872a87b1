package io.weft.allocator.store;

import io.weft.config.IpPrefix;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The identity of one lease: its IPv4 subnet and, on dual-stack networks, its IPv6 subnet.
 * flannel keeps the subnets only in the etcd key, never in the value.
 *
 * @param ipv4 the IPv4 subnet, or null on an IPv6-only network
 * @param ipv6 the IPv6 subnet, or null when the lease has none
 */
public record SubnetKey(IpPrefix ipv4, IpPrefix ipv6) implements Comparable<SubnetKey> {

    private static final Comparator<IpPrefix> NULLS_FIRST = Comparator.nullsFirst(Comparator.naturalOrder());
    private static final Comparator<SubnetKey> ORDER =
            Comparator.comparing(SubnetKey::ipv4, NULLS_FIRST).thenComparing(SubnetKey::ipv6, NULLS_FIRST);

    public SubnetKey {
        if (ipv4 == null && ipv6 == null) {
            throw new IllegalArgumentException("a lease needs an IPv4 or an IPv6 subnet");
        }
    }

    public static SubnetKey ipv4Only(IpPrefix ipv4) {
        return new SubnetKey(Objects.requireNonNull(ipv4), null);
    }

    /** The subnet that names the lease to users: IPv4 when there is one, else IPv6. */
    public IpPrefix primary() {
        return ipv4 != null ? ipv4 : ipv6;
    }

    /** The subnets the key names: IPv4 first, then IPv6. */
    public List<IpPrefix> parts() {
        return ipv4 == null ? List.of(ipv6) : ipv6 == null ? List.of(ipv4) : List.of(ipv4, ipv6);
    }

    public Optional<IpPrefix> ipv6Subnet() {
        return Optional.ofNullable(ipv6);
    }

    @Override
    public int compareTo(SubnetKey other) {
        return ORDER.compare(this, other);
    }

    @Override
    public String toString() {
        return ipv6 == null ? ipv4.toString() : ipv4 == null ? ipv6.toString() : ipv4 + "&" + ipv6;
    }
}
