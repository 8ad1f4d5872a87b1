package io.weft.allocator.alloc;

import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import java.time.Instant;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Chooses a subnet for a node from the index, in flannel's order of preference made
 * node-aware: the lease the node holds now (by node name, then by public IP for leases that
 * carry no other node's name), a reservation for it, the previous subnet it asks for if nobody
 * holds it and no other host released it within the reuse quarantine, otherwise a free subnet
 * (recently released ones last). Pure logic: it reads and takes subnets in the index and does
 * no I/O; the caller writes the choice.
 */
public final class SubnetAllocator {

    private final RandomGenerator random;

    public SubnetAllocator(RandomGenerator random) {
        this.random = random;
    }

    /** Decides for the intent. Precondition: the index has a config. */
    public Choice choose(AcquireIntent intent, LeaseIndex index, Instant now) {
        return choose(intent, index, now, 0);
    }

    /**
     * Decides for the intent after it lost lostRaces races for a free subnet (another replica wrote
     * the one it picked): each loss widens the choice of a new subnet (4x the window per loss, from
     * {@link FreeSubnets#PICK_WINDOW}), so a burst of acquisitions through several replicas, all
     * picking near the front of the same free list, spreads out instead of colliding again.
     */
    public Choice choose(AcquireIntent intent, LeaseIndex index, Instant now, int lostRaces) {
        long window = (long) FreeSubnets.PICK_WINDOW << (2 * Math.min(lostRaces, 12));
        NetworkConfig config = index.config().orElseThrow(() -> new IllegalStateException("no network config"));
        Optional<StoredLease> held = heldBy(intent, index);
        StoredLease replaces = null;
        if (held.isPresent()) {
            StoredLease lease = held.get();
            if (lease.reserved() || fits(lease.subnet(), config)) {
                return new Choice.Reuse(lease, lease.reserved() ? "reservation" : "existing");
            }
            replaces = lease;
        }
        IpPrefix v4 = null;
        IpPrefix v6 = null;
        boolean previous = false;
        if (config.enableIPv4()) {
            if (intent.previousSubnet() != null
                    && index.takeIfAvailable(intent.previousSubnet(), intent.nodeName(), intent.publicIp(), now)) {
                v4 = intent.previousSubnet();
                previous = true;
            } else {
                Optional<IpPrefix> any = index.takeAny(false, now, random, window);
                if (any.isEmpty()) {
                    return new Choice.Exhausted("IPv4");
                }
                v4 = any.get();
            }
        }
        if (config.enableIPv6()) {
            if (intent.previousIpv6Subnet() != null
                    && index.takeIfAvailable(intent.previousIpv6Subnet(), intent.nodeName(), intent.publicIp(), now)) {
                v6 = intent.previousIpv6Subnet();
                previous = previous || v4 == null;
            } else {
                Optional<IpPrefix> any = index.takeAny(true, now, random, window);
                if (any.isEmpty()) {
                    if (v4 != null) {
                        index.returnUnused(v4);
                    }
                    return new Choice.Exhausted("IPv6");
                }
                v6 = any.get();
            }
        }
        return new Choice.Create(new SubnetKey(v4, v6), previous ? "previous" : "new", replaces);
    }

    /** True when the key has exactly the config's families, each inside its subnet range. */
    static boolean fits(SubnetKey subnet, NetworkConfig config) {
        return fits(subnet.ipv4(), config.ipv4()) && fits(subnet.ipv6(), config.ipv6());
    }

    private static boolean fits(IpPrefix subnet, Optional<SubnetSpace> space) {
        return subnet == null
                ? space.isEmpty()
                : space.isPresent() && space.get().contains(subnet);
    }

    private static Optional<StoredLease> heldBy(AcquireIntent intent, LeaseIndex index) {
        Optional<StoredLease> byName = index.byNode(intent.nodeName());
        if (byName.isPresent() || intent.publicIp().isEmpty()) {
            return byName;
        }
        // flanneld records only the public IP; adopt such a lease, never another node's.
        return index.byPublicIp(intent.publicIp())
                .filter(lease -> lease.nodeName().isEmpty() || lease.nodeName().equals(intent.nodeName()));
    }
}
