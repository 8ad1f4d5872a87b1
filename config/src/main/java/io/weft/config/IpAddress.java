package io.weft.config;

import java.util.Objects;

/**
 * An immutable IPv4 or IPv6 address: a family plus a 128-bit value held in two longs (an IPv4
 * address lives in the low 32 bits of {@code lo}).
 *
 * <p>Parsing is purely textual and never performs DNS. {@link #toString()} is canonical (dotted
 * quad for IPv4, RFC 5952 for IPv6), so {@code parse(a.toString()).equals(a)} always holds.
 * Ordering puts every IPv4 address before every IPv6 address, then compares numerically.
 * Instances are thread safe.
 */
public final class IpAddress implements Comparable<IpAddress> {

    private static final long IPV4_MAX = 0xFFFF_FFFFL;

    private final IpFamily family;
    private final long hi;
    private final long lo;

    private IpAddress(IpFamily family, long hi, long lo) {
        this.family = family;
        this.hi = hi;
        this.lo = lo;
    }

    /** Package-private: {@code value} must already be within the family's range. */
    static IpAddress of(IpFamily family, Uint128 value) {
        return new IpAddress(family, value.hi(), value.lo());
    }

    /**
     * Parses an IPv4 dotted quad ("10.244.0.1") or any IPv6 text form ("fd00::1",
     * "::ffff:192.0.2.1", "2001:DB8:0:0:0:0:0:1"). An IPv4-mapped IPv6 address stays IPv6.
     *
     * @throws IllegalArgumentException e.g. {@code "10.0.0.300" is not an IPv4 or IPv6 address}
     */
    public static IpAddress parse(String text) {
        Objects.requireNonNull(text, "text");
        if (text.indexOf(':') >= 0) {
            Uint128 value = IpAddressText.parseIpv6(text);
            if (value != null) {
                return of(IpFamily.IPV6, value);
            }
        } else {
            long value = IpAddressText.parseIpv4(text, 0, text.length());
            if (value >= 0) {
                return new IpAddress(IpFamily.IPV4, 0, value);
            }
        }
        throw new IllegalArgumentException("\"" + text + "\" is not an IPv4 or IPv6 address");
    }

    /**
     * The address in network byte order: 4 bytes make an IPv4 address, 16 an IPv6 one.
     *
     * @throws IllegalArgumentException for any other length
     */
    public static IpAddress fromBytes(byte[] bytes) {
        if (bytes.length != 4 && bytes.length != 16) {
            throw new IllegalArgumentException("an IP address has 4 (IPv4) or 16 (IPv6) bytes, not " + bytes.length);
        }
        long hi = 0;
        long lo = 0;
        int loStart = bytes.length - Math.min(bytes.length, 8);
        for (int i = 0; i < loStart; i++) {
            hi = (hi << 8) | (bytes[i] & 0xFF);
        }
        for (int i = loStart; i < bytes.length; i++) {
            lo = (lo << 8) | (bytes[i] & 0xFF);
        }
        return new IpAddress(bytes.length == 4 ? IpFamily.IPV4 : IpFamily.IPV6, hi, lo);
    }

    public IpFamily family() {
        return family;
    }

    /** The address in network byte order: 4 bytes for IPv4, 16 for IPv6. */
    public byte[] toBytes() {
        int length = family.bits() / 8;
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            int bitFromEnd = 8 * (length - 1 - i);
            long word = bitFromEnd >= 64 ? hi : lo;
            bytes[i] = (byte) (word >>> (bitFromEnd % 64));
        }
        return bytes;
    }

    /**
     * The address {@code n} further on (or back, when negative).
     *
     * @throws ArithmeticException when the result would leave the family's address range
     */
    public IpAddress plus(long n) {
        if (family == IpFamily.IPV4) {
            if (n > IPV4_MAX - lo || n < -lo) {
                throw outOfRange(n);
            }
            return new IpAddress(family, 0, lo + n);
        }
        Uint128 start = value();
        // -n read as unsigned is |n| even for Long.MIN_VALUE, whose bit pattern is 2^63.
        Uint128 distance = new Uint128(0, n >= 0 ? n : -n);
        Uint128 result = n >= 0 ? start.plus(distance) : start.minus(distance);
        boolean wrapped = n >= 0 ? result.compareTo(start) < 0 : result.compareTo(start) > 0;
        if (wrapped) {
            throw outOfRange(n);
        }
        return of(family, result);
    }

    private ArithmeticException outOfRange(long n) {
        return new ArithmeticException(this + " plus " + n + " is outside the " + family + " address range");
    }

    /** The 128-bit value (IPv4 in the low 32 bits). */
    Uint128 value() {
        return new Uint128(hi, lo);
    }

    @Override
    public int compareTo(IpAddress other) {
        int byFamily = family.compareTo(other.family);
        if (byFamily != 0) {
            return byFamily;
        }
        int byHigh = Long.compareUnsigned(hi, other.hi);
        return byHigh != 0 ? byHigh : Long.compareUnsigned(lo, other.lo);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof IpAddress other && family == other.family && hi == other.hi && lo == other.lo;
    }

    @Override
    public int hashCode() {
        return 31 * (31 * family.hashCode() + Long.hashCode(hi)) + Long.hashCode(lo);
    }

    /** Canonical text: "10.244.3.1" for IPv4, RFC 5952 ("fd00:12:13::1") for IPv6. */
    @Override
    public String toString() {
        return family == IpFamily.IPV4 ? IpAddressText.formatIpv4(lo) : IpAddressText.formatIpv6(hi, lo);
    }
}
