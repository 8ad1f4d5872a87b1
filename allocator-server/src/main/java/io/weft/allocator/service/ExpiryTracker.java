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

    private final Map<Long, Instant> expiries = new ConcurrentHashMap<>();

    void record(long etcdLeaseId, long ttlSeconds, Instant now) {
        expiries.put(etcdLeaseId, now.plusSeconds(ttlSeconds));
    }

    Optional<Instant> expiry(long etcdLeaseId) {
        return Optional.ofNullable(expiries.get(etcdLeaseId));
    }

    void forget(long etcdLeaseId) {
        expiries.remove(etcdLeaseId);
    }
}
