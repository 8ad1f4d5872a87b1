package io.weft.config;

import java.util.Objects;

/**
 * An immutable CIDR prefix such as 10.244.3.0/24 or fd00:12:13::/56: a network address with all
 * host bits zero plus a prefix length.
 *
 * <p>Construction is strict: a prefix with host bits set is rejected rather than silently masked,
 * because "10.1.2.3/16" in a config is far more often a typo than an intent. Ordering is by
 * family, then network address, then length. Instances are thread safe.
 */
public final class IpPrefix implements Comparable<IpPrefix> {

    private final IpAddress address;
    private final int length;

    private IpPrefix(IpAddress address, int length) {
        this.address = address;
        this.length = length;
    }

    /**
     * Parses "address/length", e.g. "10.244.0.0/16" or "fd00::/8".
     *
     * @throws IllegalArgumentException when the text is not a prefix, the length is out of range
     *     for the family, or host bits are set (the message then suggests the network form)
     */
    public static IpPrefix parse(String cidr) {
        Objects.requireNonNull(cidr, "cidr");
        int slash = cidr.lastIndexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("\"" + cidr + "\" is not a CIDR prefix; expected"
                    + " address/length such as 10.244.0.0/16 or fd00::/8");
        }
        IpAddress address;
        try {
            address = IpAddress.parse(cidr.substring(0, slash));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + cidr + "\" is not a CIDR prefix: " + e.getMessage(), e);
        }
        int length = parseLength(cidr.substring(slash + 1));
        if (length < 0 || length > address.family().bits()) {
            throw new IllegalArgumentException("\"" + cidr + "\" has an invalid prefix length; allowed" + " 0.."
                    + address.family().bits() + " for " + address.family());
        }
        return checked(address, length, cidr);
    }

    /**
     * The prefix of {@code length} bits whose network address is {@code network}.
     *
     * @throws IllegalArgumentException when the length is out of range or host bits are set
     */
    public static IpPrefix of(IpAddress network, int length) {
        Objects.requireNonNull(network, "network");
        if (length < 0 || length > network.family().bits()) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range; allowed" + " 0.."
                    + network.family().bits() + " for " + network.family());
        }
        return checked(network, length, network + "/" + length);
    }

    /**
     * The prefix of {@code length} bits that contains {@code address}: its host bits cleared, e.g.
     * 10.5.49.1 and 24 give 10.5.49.0/24 (an interface address with its prefix length, or the
     * subnet a FLANNEL_SUBNET value names).
     *
     * @throws IllegalArgumentException when the length is out of range
     */
    public static IpPrefix containing(IpAddress address, int length) {
        Objects.requireNonNull(address, "address");
        if (length < 0 || length > address.family().bits()) {
            throw new IllegalArgumentException("prefix length " + length + " is out of range; allowed" + " 0.."
                    + address.family().bits() + " for " + address.family());
        }
        Uint128 network = address.value().and(mask(address.family(), length));
        return new IpPrefix(IpAddress.of(address.family(), network), length);
    }

    /** Package-private: {@code address} must already have its host bits clear. */
    static IpPrefix ofAligned(IpAddress address, int length) {
        return new IpPrefix(address, length);
    }

    private static IpPrefix checked(IpAddress address, int length, String asWritten) {
        Uint128 value = address.value();
        Uint128 network = value.and(mask(address.family(), length));
        if (!network.equals(value)) {
            IpPrefix suggestion = new IpPrefix(IpAddress.of(address.family(), network), length);
            throw new IllegalArgumentException(
                    "\"" + asWritten + "\" has host bits set; did you mean " + suggestion + "?");
        }
        return new IpPrefix(address, length);
    }

    /** Decimal digits only, no sign and no leading zeros; -1 when malformed. */
    private static int parseLength(String text) {
        if (text.isEmpty() || text.length() > 3 || (text.length() > 1 && text.charAt(0) == '0')) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    /** The network mask in 128-bit form; IPv4 masks also cover the unused upper 96 bits. */
    static Uint128 mask(IpFamily family, int length) {
        return Uint128.highMask(length + 128 - family.bits());
    }

    public IpFamily family() {
        return address.family();
    }

    /** The network address (host bits all zero). */
    public IpAddress address() {
        return address;
    }

    public int length() {
        return length;
    }

    /** True when {@code ip} has the same family and lies inside this prefix. */
    public boolean contains(IpAddress ip) {
        return ip.family() == family() && ip.value().and(mask(family(), length)).equals(address.value());
    }

    /** True when {@code other} has the same family and lies entirely inside this prefix. */
    public boolean contains(IpPrefix other) {
        return other.length >= length && contains(other.address);
    }

    /** True when the two prefixes share at least one address (one then contains the other). */
    public boolean overlaps(IpPrefix other) {
        return contains(other) || other.contains(this);
    }

    /** The highest address in the prefix (the IPv4 broadcast address). */
    public IpAddress lastAddress() {
        // The complement of the 128-bit mask is exactly the host bits, for IPv4 too.
        return IpAddress.of(family(), address.value().or(mask(family(), length).not()));
    }

    /**
     * The network address plus one: the gateway-style address flannel writes as FLANNEL_SUBNET
     * ("10.244.3.1/24" for 10.244.3.0/24).
     *
     * @throws IllegalStateException for a single-address prefix (/32 or /128), which has no room
     */
    public IpAddress firstHost() {
        if (length == family().bits()) {
            throw new IllegalStateException(this + " is a single address and has no first host");
        }
        return address.plus(1);
    }

    @Override
    public int compareTo(IpPrefix other) {
        int byAddress = address.compareTo(other.address);
        return byAddress != 0 ? byAddress : Integer.compare(length, other.length);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpPrefix other && length == other.length && address.equals(other.address);
    }

    @Override
    public int hashCode() {
        return 31 * address.hashCode() + length;
    }

    /** "10.244.3.0/24" or "fd00:12:13::/56". */
    @Override
    public String toString() {
        return address + "/" + length;
    }
}
