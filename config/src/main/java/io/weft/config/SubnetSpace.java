package io.weft.config;

import java.util.Objects;

/**
 * The subnets of one address family that may be leased: every {@code /subnetLength} prefix from
 * {@code min} to {@code max} inclusive, numbered from 0 at {@code min}. This numbering is what an
 * allocator uses to keep a compact free-set.
 *
 * <p>All operations are O(1) in time and memory whatever the size of the space: an IPv6 /32 cut
 * into /64s (2^32 subnets) costs the same as an IPv4 /16 cut into /24s. {@link #subnetAt} and
 * {@link #indexOf} are on the allocation hot path and do only a few long operations.
 *
 * <p>A space holding more than {@code Long.MAX_VALUE} subnets (only possible for IPv6, e.g. a /8
 * cut into /126s) is truncated to its first {@code Long.MAX_VALUE} subnets; nobody leases that
 * many. Immutable and thread safe.
 */
public final class SubnetSpace {

    private final IpPrefix network;
    private final int subnetLength;
    private final IpPrefix min;
    private final IpPrefix max;
    /** log2 of the subnet size in addresses: index i starts at min + (i << shift). */
    private final int shift;

    private final Uint128 minValue;
    private final Uint128 maxValue;
    private final long size;

    /**
     * Creates the space. The config parser has already validated its inputs; the checks here guard
     * against programming errors.
     *
     * @throws IllegalArgumentException when the families differ, {@code subnetLength} is not in
     *     {@code network.length()..bits}, min or max is not a {@code /subnetLength} inside {@code
     *     network}, or min is after max
     */
    public SubnetSpace(IpPrefix network, int subnetLength, IpPrefix subnetMin, IpPrefix subnetMax) {
        this.network = Objects.requireNonNull(network, "network");
        this.min = Objects.requireNonNull(subnetMin, "subnetMin");
        this.max = Objects.requireNonNull(subnetMax, "subnetMax");
        this.subnetLength = subnetLength;
        int bits = network.family().bits();
        if (subnetLength < network.length() || subnetLength > bits) {
            throw new IllegalArgumentException("subnet length " + subnetLength + " must be within " + network.length()
                    + ".." + bits + " for network " + network);
        }
        for (IpPrefix bound : new IpPrefix[] {subnetMin, subnetMax}) {
            if (bound.length() != subnetLength || !network.contains(bound)) {
                throw new IllegalArgumentException(bound + " is not a /" + subnetLength + " subnet of " + network);
            }
        }
        if (subnetMin.compareTo(subnetMax) > 0) {
            throw new IllegalArgumentException("subnet min " + subnetMin + " is after subnet max " + subnetMax);
        }
        this.shift = bits - subnetLength;
        this.minValue = subnetMin.address().value();
        this.maxValue = subnetMax.address().value();
        Uint128 lastIndex = maxValue.minus(minValue).shiftRight(shift);
        this.size = lastIndex.fitsInLong() && lastIndex.lo() != Long.MAX_VALUE ? lastIndex.lo() + 1 : Long.MAX_VALUE;
    }

    /** The number of subnets from min to max inclusive, saturating at {@code Long.MAX_VALUE}. */
    public long size() {
        return size;
    }

    /**
     * The subnet with the given index; index 0 is {@link #min()}.
     *
     * @throws IndexOutOfBoundsException unless {@code 0 <= index < size()}
     */
    public IpPrefix subnetAt(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException(
                    "subnet index " + index + " is outside 0.." + (size - 1) + " of " + this);
        }
        Uint128 start = minValue.plus(new Uint128(0, index).shiftLeft(shift));
        return IpPrefix.ofAligned(IpAddress.of(network.family(), start), subnetLength);
    }

    /**
     * The index of {@code subnet}, or -1 when it is not in this space: another family, another
     * length, or outside min..max. (A prefix of the right length is always aligned, since {@link
     * IpPrefix} never has host bits set.)
     */
    public long indexOf(IpPrefix subnet) {
        if (subnet.family() != network.family() || subnet.length() != subnetLength) {
            return -1;
        }
        Uint128 value = subnet.address().value();
        if (value.compareTo(minValue) < 0 || value.compareTo(maxValue) > 0) {
            return -1;
        }
        Uint128 index = value.minus(minValue).shiftRight(shift);
        return index.fitsInLong() && index.lo() < size ? index.lo() : -1;
    }

    /** True when {@code subnet} is one of the leasable subnets, i.e. {@code indexOf >= 0}. */
    public boolean contains(IpPrefix subnet) {
        return indexOf(subnet) >= 0;
    }

    public IpFamily family() {
        return network.family();
    }

    /** The whole overlay network, e.g. 10.244.0.0/16. */
    public IpPrefix network() {
        return network;
    }

    /** The prefix length of every leased subnet, e.g. 24. */
    public int subnetLength() {
        return subnetLength;
    }

    /** The first leasable subnet (index 0). */
    public IpPrefix min() {
        return min;
    }

    /** The last leasable subnet (index {@code size() - 1} unless the space is truncated). */
    public IpPrefix max() {
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SubnetSpace other
                && subnetLength == other.subnetLength
                && network.equals(other.network)
                && min.equals(other.min)
                && max.equals(other.max);
    }

    @Override
    public int hashCode() {
        return Objects.hash(network, subnetLength, min, max);
    }

    @Override
    public String toString() {
        return "SubnetSpace[" + network + " in /" + subnetLength + "s, " + min + ".." + max + "]";
    }
}
