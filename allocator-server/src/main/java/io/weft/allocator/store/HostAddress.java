package io.weft.allocator.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An address that names one host: its public IPv4, its public IPv6 or a VTEP MAC, in the
 * normal form leases are compared in (addresses as the server formats them, MACs lower case
 * with colons). weft claims each one in etcd beside the node's lease
 * ({@code <prefix>/weft/addresses/<kind>/<text>}), so no two nodes hold one at any revision.
 */
public record HostAddress(Kind kind, String text) {

    /** The kinds, with the key segment that names each and the request field that carries it. */
    public enum Kind {
        PUBLIC_IP("public-ip", "public_ip"),
        PUBLIC_IPV6("public-ipv6", "public_ipv6"),
        VTEP_MAC("vtep-mac", "vxlan.vtep_mac");

        private final String keySegment;
        private final String field;

        Kind(String keySegment, String field) {
            this.keySegment = keySegment;
            this.field = field;
        }

        public String keySegment() {
            return keySegment;
        }

        /** The AcquireLease field that carries this kind of address. */
        public String field() {
            return field;
        }

        static Optional<Kind> ofKeySegment(String segment) {
            for (Kind kind : values()) {
                if (kind.keySegment.equals(segment)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }
    }

    public HostAddress {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty " + kind.field + " names no host");
        }
    }

    /** Every address a lease value names: public IPv4, public IPv6, each VTEP MAC; empty ones left out. */
    public static List<HostAddress> of(LeaseValue value) {
        List<HostAddress> addresses = new ArrayList<>(3);
        if (!value.publicIp().isEmpty()) {
            addresses.add(new HostAddress(Kind.PUBLIC_IP, value.publicIp()));
        }
        if (!value.publicIpv6().isEmpty()) {
            addresses.add(new HostAddress(Kind.PUBLIC_IPV6, value.publicIpv6()));
        }
        value.vtepMacs().forEach(mac -> addresses.add(new HostAddress(Kind.VTEP_MAC, mac)));
        return addresses;
    }

    @Override
    public String toString() {
        return kind.field + " " + text;
    }
}
