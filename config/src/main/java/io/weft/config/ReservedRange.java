package io.weft.config;

import java.util.List;
import java.util.Optional;

/**
 * Address ranges that never belong to a pod network or a peer's public address: the
 * unspecified/"this host" range (which the default route starts from), loopback, link-local and
 * multicast. A pod network overlapping one would make every node route such addresses through a
 * peer; a peer advertising one as its public IP would make its tunnel point back at the host.
 *
 * @param prefix the range
 * @param name   what it is, for messages
 */
public record ReservedRange(IpPrefix prefix, String name) {

    private static final List<ReservedRange> IPV4 = List.of(
            range("0.0.0.0/8", "this host, the default route"),
            range("127.0.0.0/8", "loopback"),
            range("169.254.0.0/16", "link-local"),
            range("224.0.0.0/4", "multicast"));
    private static final List<ReservedRange> IPV6 = List.of(
            range("::/128", "unspecified, the default route"),
            range("::1/128", "loopback"),
            range("fe80::/10", "link-local"),
            range("ff00::/8", "multicast"));

    private static ReservedRange range(String cidr, String name) {
        return new ReservedRange(IpPrefix.parse(cidr), name);
    }

    /** The reserved ranges of a family, in a fixed order. */
    public static List<ReservedRange> of(IpFamily family) {
        return family == IpFamily.IPV4 ? IPV4 : IPV6;
    }

    /** The first reserved range the prefix overlaps. */
    public static Optional<ReservedRange> overlapping(IpPrefix prefix) {
        return of(prefix.family()).stream()
                .filter(range -> range.prefix.overlaps(prefix))
                .findFirst();
    }

    /** The reserved range holding the address (unspecified, loopback, link-local or multicast). */
    public static Optional<ReservedRange> holding(IpAddress address) {
        return of(address.family()).stream()
                .filter(range -> range.prefix.contains(address))
                .findFirst();
    }

    /** "0.0.0.0/8, 127.0.0.0/8, 169.254.0.0/16 and 224.0.0.0/4", for messages. */
    static String list(IpFamily family) {
        List<String> all =
                of(family).stream().map(range -> range.prefix.toString()).toList();
        return String.join(", ", all.subList(0, all.size() - 1)) + " and " + all.getLast();
    }

    @Override
    public String toString() {
        return prefix + " (" + name + ")";
    }
}
