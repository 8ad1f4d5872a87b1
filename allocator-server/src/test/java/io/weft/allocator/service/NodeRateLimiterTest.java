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
    void zeroMeansNoLimit() {
        NodeRateLimiter limiter = new NodeRateLimiter(0, clock);
        for (int i = 0; i < 10_000; i++) {
            assertThat(limiter.tryAcquire("node-a")).isTrue();
        }
    }
}
