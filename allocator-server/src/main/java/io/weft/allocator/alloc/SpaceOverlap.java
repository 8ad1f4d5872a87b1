package io.weft.allocator.alloc;

import io.weft.config.IpPrefix;
import io.weft.config.SubnetSpace;

/**
 * Which subnets of a space a foreign prefix overlaps: a lease left from an earlier config
 * (another SubnetLen or network, kept after a forced config change) must keep every subnet it
 * overlaps out of the free set, or the allocator would hand out an overlapping subnet.
 *
 * @param first the first overlapped index, or -1 when the prefix overlaps no subnet
 * @param last  the last overlapped index (inclusive)
 */
record SpaceOverlap(long first, long last) {

    static final SpaceOverlap NONE = new SpaceOverlap(-1, -1);

    static SpaceOverlap of(IpPrefix prefix, SubnetSpace space) {
        if (prefix.family() != space.family() || !prefix.overlaps(space.network())) {
            return NONE;
        }
        IpPrefix low = IpPrefix.containing(prefix.address(), space.subnetLength());
        IpPrefix high = IpPrefix.containing(prefix.lastAddress(), space.subnetLength());
        if (high.compareTo(space.min()) < 0 || low.compareTo(space.max()) > 0) {
            return NONE;
        }
        long first = low.compareTo(space.min()) < 0 ? 0 : space.indexOf(low);
        if (first < 0) {
            return NONE; // entirely past the end of a space truncated to Long.MAX_VALUE subnets
        }
        // Past max, or past the end of a truncated space: up to the last index.
        long last = high.compareTo(space.max()) > 0 ? -1 : space.indexOf(high);
        return new SpaceOverlap(first, last < 0 ? space.size() - 1 : last);
    }

    boolean isEmpty() {
        return first < 0;
    }
}
