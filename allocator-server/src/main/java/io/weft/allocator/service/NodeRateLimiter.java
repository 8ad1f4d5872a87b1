package io.weft.allocator.service;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Acquisitions and renewals per node name, as a token bucket per name: a node (or any client
 * naming it) that calls in a loop is answered RESOURCE_EXHAUSTED instead of costing one etcd
 * write per call. A healthy node renews once a TTL and retries with back-off, far below any
 * sane limit. Memory is bounded: a bucket that has refilled is dropped (a name with no bucket
 * starts full, so nothing changes for it), which leaves the names that called in about the last
 * refill time; and past {@link #MAX_NAMES} names the least recently seen bucket is dropped (that
 * name starts full again). Thread-safe.
 */
final class NodeRateLimiter {

    static final int MAX_NAMES = 100_000;
    /** Refilled buckets dropped per call at most: more than the one a call can add. */
    private static final int DROPPED_PER_CALL = 2;

    private final int perMinute;
    private final long costNanos;
    private final InstantSource clock;
    /** In access order, so in the order of the buckets' last calls: the eldest refilled first. */
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_NAMES;
        }
    };

    /**
     * Credit in nanoseconds of refill time: whole numbers, so no rounding ever loses a call.
     * filledAt is the last call, in nanoseconds since the epoch (a long, not an Instant: one
     * bucket per name that called lately, thousands of them).
     */
    private static final class Bucket {
        long credit;
        long filledAt;

        Bucket(long credit, long filledAt) {
            this.credit = credit;
            this.filledAt = filledAt;
        }

        boolean refilledAt(long now, long full) {
            return now - filledAt >= full - credit;
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
        long now = nanosSinceEpoch(clock.instant());
        long full = costNanos * perMinute;
        Bucket bucket = buckets.computeIfAbsent(nodeName, name -> new Bucket(full, now));
        long elapsed = Math.max(0, now - bucket.filledAt);
        bucket.credit = elapsed >= full ? full : Math.min(full, bucket.credit + elapsed);
        bucket.filledAt = now;
        boolean allowed = bucket.credit >= costNanos;
        if (allowed) {
            bucket.credit -= costNanos;
        }
        dropRefilled(now, full);
        return allowed;
    }

    /** Names holding a bucket (the others are full). */
    synchronized int namesTracked() {
        return buckets.size();
    }

    private void dropRefilled(long now, long full) {
        Iterator<Bucket> eldest = buckets.values().iterator();
        for (int i = 0; i < DROPPED_PER_CALL && eldest.hasNext(); i++) {
            if (!eldest.next().refilledAt(now, full)) {
                return;
            }
            eldest.remove();
        }
    }

    private static long nanosSinceEpoch(Instant at) {
        return Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000_000L), at.getNano());
    }
}
