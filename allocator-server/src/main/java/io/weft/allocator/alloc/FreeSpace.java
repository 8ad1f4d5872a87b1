package io.weft.allocator.alloc;

import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.random.RandomGenerator;

/**
 * The free subnets of the configured IPv4 and IPv6 spaces: a subnet inside a space is one index
 * of that family's {@link FreeSubnets}; a prefix that is no subnet of the space (a lease left
 * over from a forced config change) takes or frees every index it overlaps, as one range: the
 * cost is that of the free set's ranges, never the number of indices (a /64 over /120s is 2^56).
 *
 * <p>Not thread-safe: {@link LeaseIndex} owns it and guards it.
 */
final class FreeSpace {

    private final Duration quarantine;
    private Optional<SubnetSpace> ipv4 = Optional.empty();
    private Optional<SubnetSpace> ipv6 = Optional.empty();
    private FreeSubnets ipv4Free;
    private FreeSubnets ipv6Free;
    private boolean foreignHeld;

    private final StepCounter steps;

    FreeSpace(Duration quarantine, StepCounter steps) {
        this.quarantine = quarantine;
        this.steps = steps;
    }

    /**
     * Takes the spaces of a new config. Answers true when they changed: everything is free
     * again and the caller takes what is held. The same ranges keep their state (quarantine).
     */
    boolean install(NetworkConfig config) {
        if (ipv4Free != null || ipv6Free != null) {
            if (config.ipv4().equals(ipv4) && config.ipv6().equals(ipv6)) {
                return false;
            }
        }
        ipv4 = config.ipv4();
        ipv6 = config.ipv6();
        ipv4Free = ipv4.map(space -> new FreeSubnets(space.size(), quarantine, steps))
                .orElse(null);
        ipv6Free = ipv6.map(space -> new FreeSubnets(space.size(), quarantine, steps))
                .orElse(null);
        foreignHeld = false;
        return true;
    }

    void clear() {
        ipv4 = Optional.empty();
        ipv6 = Optional.empty();
        ipv4Free = null;
        ipv6Free = null;
        foreignHeld = false;
    }

    /** Whether the prefix is one subnet of its family's space. */
    boolean contains(IpPrefix subnet) {
        return indexOf(subnet) >= 0;
    }

    void take(IpPrefix part) {
        FreeSubnets free = freeFor(part);
        if (free == null) {
            return;
        }
        long index = indexOf(part);
        if (index >= 0) {
            free.take(index);
            return;
        }
        SpaceOverlap overlap = overlap(part);
        if (!overlap.isEmpty()) {
            free.takeRange(overlap.first(), overlap.last());
            foreignHeld = true;
        }
    }

    /**
     * Frees the prefix (quarantined from now): its index, or every index it overlaps when it is
     * no subnet of the space. Other holders of what it covered must then be taken again.
     */
    void release(IpPrefix part, Instant now) {
        FreeSubnets free = freeFor(part);
        if (free == null) {
            return;
        }
        long index = indexOf(part);
        if (index >= 0) {
            free.release(index, now);
            return;
        }
        SpaceOverlap overlap = overlap(part);
        if (!overlap.isEmpty()) {
            free.releaseRange(overlap.first(), overlap.last(), now);
        }
    }

    /**
     * What releasing the prefix frees: the space's subnet that contains it when it is longer
     * than a subnet, else the prefix itself. Another key holds part of that when it overlaps it.
     */
    IpPrefix footprint(IpPrefix part) {
        return spaceFor(part)
                .filter(space -> part.length() > space.subnetLength())
                .map(space -> IpPrefix.containing(part.address(), space.subnetLength()))
                .orElse(part);
    }

    /**
     * True once a prefix that is no subnet of the space (left by a forced config change, or
     * written straight into etcd) has taken subnets since the spaces were installed: a release
     * may then free subnets that such a prefix still covers.
     */
    boolean foreignHeld() {
        return foreignHeld;
    }

    /** Takes this subnet if it is free (quarantine ignored: it was asked for by name). */
    boolean takeIfAvailable(IpPrefix subnet) {
        FreeSubnets free = freeFor(subnet);
        long index = indexOf(subnet);
        return free != null && index >= 0 && free.isAvailable(index) && free.take(index);
    }

    Optional<IpPrefix> takeAny(boolean v6, Instant now, RandomGenerator random) {
        return takeAny(v6, now, random, FreeSubnets.PICK_WINDOW);
    }

    Optional<IpPrefix> takeAny(boolean v6, Instant now, RandomGenerator random, long window) {
        FreeSubnets free = v6 ? ipv6Free : ipv4Free;
        Optional<SubnetSpace> space = v6 ? ipv6 : ipv4;
        if (free == null || space.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong index = free.takeAny(now, random, window);
        return index.isPresent() ? Optional.of(space.get().subnetAt(index.getAsLong())) : Optional.empty();
    }

    void returnUnused(IpPrefix subnet) {
        FreeSubnets free = freeFor(subnet);
        long index = indexOf(subnet);
        if (free != null && index >= 0) {
            free.returnUnused(index);
        }
    }

    /** The number of subnets in one family's space, empty when it has none. */
    OptionalLong capacity(boolean v6) {
        FreeSubnets free = v6 ? ipv6Free : ipv4Free;
        return free == null ? OptionalLong.empty() : OptionalLong.of(free.size());
    }

    private SpaceOverlap overlap(IpPrefix part) {
        return spaceFor(part).map(s -> SpaceOverlap.of(part, s)).orElse(SpaceOverlap.NONE);
    }

    private long indexOf(IpPrefix subnet) {
        return spaceFor(subnet).map(s -> s.indexOf(subnet)).orElse(-1L);
    }

    private Optional<SubnetSpace> spaceFor(IpPrefix subnet) {
        return switch (subnet.family()) {
            case IPV4 -> ipv4;
            case IPV6 -> ipv6;
        };
    }

    private FreeSubnets freeFor(IpPrefix subnet) {
        return switch (subnet.family()) {
            case IPV4 -> ipv4Free;
            case IPV6 -> ipv6Free;
        };
    }
}
