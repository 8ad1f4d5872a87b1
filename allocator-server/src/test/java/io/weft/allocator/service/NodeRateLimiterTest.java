package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The per-node limit on a fake clock: a burst, then one call per refill, names kept apart. */
@Timeout(10)
class NodeRateLimiterTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final InstantSource clock = () -> now.get();

    @Test
    void aBurstOfTheLimitThenOneCallPerRefill() {
        NodeRateLimiter limiter = new NodeRateLimiter(6, clock);
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.tryAcquire("node-a")).as("call %d", i).isTrue();
        }
        assertThat(limiter.tryAcquire("node-a")).isFalse();
        assertThat(limiter.tryAcquire("node-b"))
                .as("another name has its own bucket")
                .isTrue();

        now.set(now.get().plus(Duration.ofSeconds(9)));
        assertThat(limiter.tryAcquire("node-a"))
                .as("6 a minute: not yet a whole token")
                .isFalse();
        now.set(now.get().plus(Duration.ofSeconds(1)));
        assertThat(limiter.tryAcquire("node-a")).isTrue();
        assertThat(limiter.tryAcquire("node-a")).isFalse();

        now.set(now.get().plus(Duration.ofHours(1)));
        for (int i = 0; i < 6; i++) {
            assertThat(limiter.tryAcquire("node-a"))
                    .as("refilled to the burst, no more: call %d", i)
                    .isTrue();
        }
        assertThat(limiter.tryAcquire("node-a")).isFalse();
    }

    @Test
    void aRefilledBucketIsDroppedAndAnEmptyOneKept() {
        NodeRateLimiter limiter = new NodeRateLimiter(6, clock);
        for (int i = 0; i < 6; i++) {
            limiter.tryAcquire("node-a");
        }
        limiter.tryAcquire("node-b");
        assertThat(limiter.namesTracked()).isEqualTo(2);

        now.set(now.get().plus(Duration.ofSeconds(10)));
        limiter.tryAcquire("node-c");
        assertThat(limiter.namesTracked())
                .as("node-a is 50 s from full, node-b full again but behind node-a")
                .isEqualTo(3);
        assertThat(limiter.tryAcquire("node-a")).isTrue();
        assertThat(limiter.tryAcquire("node-a"))
                .as("node-a's bucket was kept, still nearly empty")
                .isFalse();
        assertThat(limiter.namesTracked())
                .as("node-a's calls moved it last: node-b, full again, is dropped; node-c called 0 s ago")
                .isEqualTo(2);

        now.set(now.get().plus(Duration.ofMinutes(1)));
        limiter.tryAcquire("node-d");
        assertThat(limiter.namesTracked())
                .as("node-c and node-a have refilled and are dropped")
                .isEqualTo(1);
    }

    @Test
    void zeroMeansNoLimit() {
        NodeRateLimiter limiter = new NodeRateLimiter(0, clock);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire("node-a")).isTrue();
        }
    }
}
