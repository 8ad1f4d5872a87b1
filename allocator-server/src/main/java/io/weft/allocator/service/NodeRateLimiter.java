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
    private final InstantSource clock;
    private final Map<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > MAX_NAMES;
        }
    };

    private static final class Bucket {
        double tokens;
        Instant filledAt;

        Bucket(double tokens, Instant filledAt) {
            this.tokens = tokens;
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
        Bucket bucket = buckets.computeIfAbsent(nodeName, name -> new Bucket(perMinute, now));
        double elapsedMinutes = Math.max(0, Duration.between(bucket.filledAt, now).toNanos()) / 60e9;
        bucket.tokens = Math.min(perMinute, bucket.tokens + elapsedMinutes * perMinute);
        bucket.filledAt = now;
        if (bucket.tokens < 1) {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }
}
