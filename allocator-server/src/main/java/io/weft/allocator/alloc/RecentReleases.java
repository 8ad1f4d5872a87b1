package io.weft.allocator.alloc;

import io.weft.allocator.store.StoredLease;
import io.weft.config.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * Which host released which subnet, for as long as the reuse quarantine lasts: a subnet asked
 * for by name (a node's previous subnet) goes back to the host that held it, never to another
 * one while the quarantine runs, so a node that went away briefly does not find its subnet
 * taken through someone else's stale subnet.env. Memory: one entry per subnet released within
 * the quarantine. Not thread-safe: {@link LeaseIndex} owns it under its lock.
 */
final class RecentReleases {

    private record Release(IpPrefix subnet, String nodeName, String publicIp, Instant at) {}

    private final Duration quarantine;
    private final ArrayDeque<Release> inOrder = new ArrayDeque<>();
    private final Map<IpPrefix, Release> bySubnet = new HashMap<>();

    RecentReleases(Duration quarantine) {
        this.quarantine = quarantine;
    }

    void record(IpPrefix subnet, StoredLease released, Instant at) {
        forgetOlderThan(at);
        if (quarantine.isZero() || released.reserved()) {
            return;
        }
        Release release =
                new Release(subnet, released.nodeName(), released.value().publicIp(), at);
        bySubnet.put(subnet, release);
        inOrder.addLast(release);
    }

    /** True when another host released the subnet less than the quarantine ago. */
    boolean heldBack(IpPrefix subnet, String nodeName, String publicIp, Instant now) {
        forgetOlderThan(now);
        Release release = bySubnet.get(subnet);
        if (release == null) {
            return false;
        }
        boolean sameNode = !release.nodeName().isEmpty() && release.nodeName().equals(nodeName);
        boolean sameHost = !release.publicIp().isEmpty() && release.publicIp().equals(publicIp);
        return !sameNode && !sameHost;
    }

    /** The subnets held back now, each with when its quarantine ends. */
    Map<IpPrefix, Instant> heldBackUntil(Instant now) {
        forgetOlderThan(now);
        Map<IpPrefix, Instant> until = new HashMap<>();
        bySubnet.forEach((subnet, release) -> until.put(subnet, release.at().plus(quarantine)));
        return until;
    }

    void clear() {
        inOrder.clear();
        bySubnet.clear();
    }

    private void forgetOlderThan(Instant now) {
        Instant cutoff = now.minus(quarantine);
        while (!inOrder.isEmpty() && !inOrder.peekFirst().at().isAfter(cutoff)) {
            Release old = inOrder.removeFirst();
            bySubnet.remove(old.subnet(), old);
        }
    }
}
