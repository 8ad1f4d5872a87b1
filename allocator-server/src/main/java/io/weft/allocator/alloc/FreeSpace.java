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
 * over from a forced config change) takes or frees every index it overlaps.
 *
 * <p>Not thread-safe: {@link LeaseIndex} owns it and guards it.
 */
final class FreeSpace {

    private final Duration quarantine;
    private Optional<SubnetSpace> ipv4 = Optional.empty();
    private Optional<SubnetSpace> ipv6 = Optional.empty();
    private FreeSubnets ipv4Free;
    private FreeSubnets ipv6Free;

    FreeSpace(Duration quarantine) {
        this.quarantine = quarantine;
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
        ipv4Free = ipv4.map(space -> new FreeSubnets(space.size(), quarantine)).orElse(null);
        ipv6Free = ipv6.map(space -> new FreeSubnets(space.size(), quarantine)).orElse(null);
        return true;
    }

    void clear() {
        ipv4 = Optional.empty();
        ipv6 = Optional.empty();
        ipv4Free = null;
        ipv6Free = null;
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
        for (long i = overlap.first(); !overlap.isEmpty() && i <= overlap.last(); i++) {
            free.take(i);
        }
    }

    /**
     * Frees the prefix (quarantined from now). Answers true when it was no subnet of the space
     * but overlapped it: the caller must take again what other leases hold there.
     */
    boolean release(IpPrefix part, Instant now) {
        FreeSubnets free = freeFor(part);
        if (free == null) {
            return false;
        }
        long index = indexOf(part);
        if (index >= 0) {
            free.release(index, now);
            return false;
        }
        SpaceOverlap overlap = overlap(part);
        boolean foreign = false;
        for (long i = overlap.first(); !overlap.isEmpty() && i <= overlap.last(); i++) {
            free.release(i, now);
            foreign = true;
        }
        return foreign;
    }

    /** Takes this subnet if it is free (quarantine ignored: it was asked for by name). */
    boolean takeIfAvailable(IpPrefix subnet) {
        FreeSubnets free = freeFor(subnet);
        long index = indexOf(subnet);
        return free != null && index >= 0 && free.isAvailable(index) && free.take(index);
    }

    Optional<IpPrefix> takeAny(boolean v6, Instant now, RandomGenerator random) {
        FreeSubnets free = v6 ? ipv6Free : ipv4Free;
        Optional<SubnetSpace> space = v6 ? ipv6 : ipv4;
        if (free == null || space.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong index = free.takeAny(now, random);
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
