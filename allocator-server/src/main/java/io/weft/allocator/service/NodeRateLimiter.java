package io.weft.allocator.service;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Acquisitions and renewals per node name, as a token bucket per name: a node (or any client
 * naming it) that calls in a loop is answered RESOURCE_EXHAUSTED instead of costing one etcd
 * write per call. A healthy node renews once a TTL and retries with back-off, far below any
 * sane limit. Memory is bounded: past {@link #MAX_NAMES} names the least recently seen bucket
 * is dropped (that name starts full again). Thread-safe.
 */
final class NodeRateLimiter {

    static final int MAX_NAMES = 100_000;

    private final int perMinute;
    private final long costNanos;
    private final InstantSource clock;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_NAMES;
        }
    };

    /** Credit in nanoseconds of refill time: whole numbers, so no rounding ever loses a call. */
    private static final class Bucket {
        long credit;
        Instant filledAt;

        Bucket(long credit, Instant filledAt) {
            this.credit = credit;
            this.filledAt = filledAt;
        }
    }

    /** perMinute calls per name, in bursts of up to as many; 0 for no limit. */
    NodeRateLimiter(int perMinute, InstantSource clock) {
        if (perMinute < 0) {
            throw new IllegalArgumentException("perMinute must be >= 0, got " + perMinute);
        }
        this.perMinute = perMinute;
        this.clock = clock;
        this.costNanos = perMinute == 0 ? 0 : Duration.ofMinutes(1).toNanos() / perMinute;
    }

    int perMinute() {
        return perMinute;
    }

    /** Takes one call for the name; false when its bucket is empty (refuse the call). */
    synchronized boolean tryAcquire(String nodeName) {
        if (perMinute == 0) {
            return true;
        }
        Instant now = clock.instant();
        long full = costNanos * perMinute;
        Bucket bucket = buckets.computeIfAbsent(nodeName, name -> new Bucket(full, now));
        long elapsed = Math.max(0, Duration.between(bucket.filledAt, now).toNanos());
        bucket.credit = elapsed >= full ? full : Math.min(full, bucket.credit + elapsed);
        bucket.filledAt = now;
        if (bucket.credit < costNanos) {
            return false;
        }
        bucket.credit -= costNanos;
        return true;
    }
}
