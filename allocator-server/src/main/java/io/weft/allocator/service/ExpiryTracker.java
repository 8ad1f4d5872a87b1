package io.weft.allocator.service;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * When each etcd lease expires, as far as this server knows: recorded when it grants or
 * renews a lease, and learned from etcd's TimeToLive for leases other replicas or flanneld
 * manage. Another replica's renewal makes a recorded time early, never late.
 */
final class ExpiryTracker {

    /** Past this many etcd leases, expired entries are dropped (shared leases keep it small). */
    private static final int PRUNE_ABOVE = 10_000;

    private final Map<Long, Instant> expiries = new ConcurrentHashMap<>();

    void record(long etcdLeaseId, long ttlSeconds, Instant now) {
        record(etcdLeaseId, now.plusSeconds(ttlSeconds), now);
    }

    void record(long etcdLeaseId, Instant expiry, Instant now) {
        expiries.put(etcdLeaseId, expiry);
        if (expiries.size() > PRUNE_ABOVE) {
            expiries.values().removeIf(at -> at.isBefore(now));
        }
    }

    Optional<Instant> expiry(long etcdLeaseId) {
        return Optional.ofNullable(expiries.get(etcdLeaseId));
    }
}
