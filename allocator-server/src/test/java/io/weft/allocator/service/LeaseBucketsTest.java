package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeaseBucketsTest {

    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-01-01T00:00:00Z"));
    private final InstantSource clock = () -> now.get();
    private final GrantCounter store = new GrantCounter();

    @Test
    void keysWrittenWithinOneWindowShareOneEtcdLease() {
        LeaseBuckets buckets = new LeaseBuckets(store, clock, Duration.ofHours(24));
        long first = buckets.take().join().etcdLeaseId();
        now.set(now.get().plusSeconds(59));
        assertThat(buckets.take().join().etcdLeaseId()).isEqualTo(first);
        assertThat(store.grants).containsExactly(Duration.ofHours(24).plusMinutes(1));

        now.set(now.get().plusSeconds(1));
        assertThat(buckets.take().join().etcdLeaseId()).isNotEqualTo(first);
        assertThat(store.grants).hasSize(2);
    }

    @Test
    void aKeyLivesAtLeastTheTtlAndAtMostTtlPlusTheWindow() {
        Duration ttl = Duration.ofSeconds(30);
        LeaseBuckets buckets = new LeaseBuckets(store, clock, ttl);
        Instant granted = now.get();
        LeaseBuckets.Bucket bucket = buckets.take().join();
        assertThat(buckets.window()).isEqualTo(Duration.ofSeconds(3));
        assertThat(bucket.expiresAt()).isEqualTo(granted.plus(ttl).plus(buckets.window()));
        now.set(granted.plusMillis(2_999));
        assertThat(buckets.take().join().expiresAt())
                .as("written 3 s later, still >= ttl away")
                .isAfterOrEqualTo(now.get().plus(ttl));
    }

    @Test
    void aBucketWhoseEtcdLeaseEtcdNoLongerKnowsIsReplacedAtOnce() {
        LeaseBuckets buckets = new LeaseBuckets(store, clock, Duration.ofHours(24));
        long first = buckets.take().join().etcdLeaseId();

        // etcd lost its data: a write on the bucket's lease fails until the window would end.
        buckets.discardIfLost(new io.weft.allocator.store.StoreUnavailableException(
                "etcd txn failed: NOT_FOUND: etcdserver: requested lease not found", null));

        assertThat(buckets.take().join().etcdLeaseId()).isNotEqualTo(first);
        assertThat(store.grants).hasSize(2);
    }

    @Test
    void otherWriteFailuresKeepTheBucket() {
        LeaseBuckets buckets = new LeaseBuckets(store, clock, Duration.ofHours(24));
        long first = buckets.take().join().etcdLeaseId();

        buckets.discardIfLost(new io.weft.allocator.store.StoreUnavailableException("etcd txn failed: timeout", null));

        assertThat(buckets.take().join().etcdLeaseId()).isEqualTo(first);
    }

    @Test
    void aFullBucketStartsANewLease() {
        LeaseBuckets buckets = new LeaseBuckets(store, clock, Duration.ofHours(24));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < LeaseBuckets.MAX_WRITES_PER_LEASE + 1; i++) {
            ids.add(buckets.take().join().etcdLeaseId());
        }
        assertThat(ids.subList(0, LeaseBuckets.MAX_WRITES_PER_LEASE)).containsOnly(ids.getFirst());
        assertThat(ids.getLast()).isNotEqualTo(ids.getFirst());
    }

    @Test
    void concurrentTakersShareOnePendingGrantAndAFailedGrantIsRetried() {
        store.pending = new CompletableFuture<>();
        LeaseBuckets buckets = new LeaseBuckets(store, clock, Duration.ofHours(24));
        CompletableFuture<LeaseBuckets.Bucket> a = buckets.take();
        CompletableFuture<LeaseBuckets.Bucket> b = buckets.take();
        assertThat(store.grants).hasSize(1);
        store.pending.completeExceptionally(new IllegalStateException("etcd down"));
        assertThat(a).isCompletedExceptionally();
        assertThat(b).isCompletedExceptionally();

        store.pending = null;
        assertThat(buckets.take().join().etcdLeaseId()).isPositive();
        assertThat(store.grants).hasSize(2);
    }

    /** Counts grants; answers increasing ids, or a pending future the test controls. */
    private static final class GrantCounter extends ForwardingLeaseStore {
        final List<Duration> grants = new ArrayList<>();
        CompletableFuture<Long> pending;

        GrantCounter() {
            super(null);
        }

        @Override
        public CompletableFuture<Long> grant(Duration ttl) {
            grants.add(ttl);
            return pending != null ? pending : CompletableFuture.completedFuture((long) grants.size());
        }
    }
}
