package io.weft.allocator.service;

import io.weft.allocator.store.LeaseStore;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;

/**
 * Shared etcd leases, one per short window of expiry times (as kube-apiserver does for
 * events). A key written now goes on the current bucket's etcd lease, granted with TTL + window,
 * so it lives at least TTL and at most TTL + window. This keeps the number of etcd leases small
 * (etcd documents trouble past tens of thousands of leases and revokes at most ~1,000 per
 * second) and takes the grant off the acquisition path: one grant per window, or per
 * {@link #MAX_WRITES_PER_LEASE} writes, whichever comes first (a put on a lease holding k keys
 * costs O(k) in etcd 3.4, and each write puts two keys: the lease and the node's claim).
 *
 * <p>A bucket's etcd lease is shared, so it is never revoked or kept alive for one key: a key
 * is renewed by moving it to the current bucket, and released by deleting it. Thread-safe.
 */
final class LeaseBuckets {

    static final int MAX_WRITES_PER_LEASE = 250;
    static final Duration MAX_WINDOW = Duration.ofMinutes(1);
    /** etcd's answer to a write on a lease it does not have (etcdserver's ErrLeaseNotFound). */
    private static final String ETCD_LEASE_NOT_FOUND = "requested lease not found";

    /** One shared etcd lease and the time it (and so every key on it) expires. */
    record Bucket(long etcdLeaseId, Instant expiresAt) {}

    private final LeaseStore store;
    private final InstantSource clock;
    private final Duration ttl;
    private final Duration window;
    private CompletableFuture<Bucket> current;
    private Instant currentSince = Instant.MIN;
    private int currentUses;

    LeaseBuckets(LeaseStore store, InstantSource clock, Duration ttl) {
        this.store = store;
        this.clock = clock;
        this.ttl = ttl;
        this.window = window(ttl);
    }

    private static Duration window(Duration ttl) {
        Duration tenth = ttl.dividedBy(10);
        return tenth.compareTo(MAX_WINDOW) < 0 ? tenth : MAX_WINDOW;
    }

    /** The TTL a bucket's etcd lease is granted with, for keys written with this TTL. */
    static Duration lifetime(Duration ttl) {
        return ttl.plus(window(ttl));
    }

    /** The bucket a key written now goes on; concurrent callers share one grant. */
    synchronized CompletableFuture<Bucket> take() {
        Instant now = clock.instant();
        boolean usable = current != null
                && !current.isCompletedExceptionally()
                && now.isBefore(currentSince.plus(window))
                && currentUses < MAX_WRITES_PER_LEASE;
        if (!usable) {
            Duration lifetime = ttl.plus(window);
            current = store.grant(lifetime).thenApply(id -> new Bucket(id, now.plus(lifetime)));
            currentSince = now;
            currentUses = 0;
        }
        currentUses++;
        return current;
    }

    /**
     * A write failed; when etcd said it no longer knows the lease (its data was lost and it came
     * back empty), the current bucket is dropped so the next write grants a new lease, instead of
     * every write failing until the window ends.
     */
    synchronized void discardIfLost(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null && cause.getMessage().contains(ETCD_LEASE_NOT_FOUND)) {
                current = null;
                return;
            }
        }
    }

    Duration window() {
        return window;
    }
}
