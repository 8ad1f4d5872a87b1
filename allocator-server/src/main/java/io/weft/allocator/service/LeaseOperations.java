package io.weft.allocator.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.allocator.alloc.AcquireIntent;
import io.weft.allocator.alloc.Choice;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.alloc.SubnetAllocator;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoreUnavailableException;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpPrefix;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Acquire, renew and release: the allocator's choices written to etcd. Keys live on shared etcd
 * leases ({@link LeaseBuckets}), so acquiring a new subnet is one create-if-absent transaction
 * (plus, once per window, a grant shared by up to 500 keys); a lost race (another replica
 * created the key first) picks another subnet and never fails the request. Renewal moves the
 * key to the current bucket in one transaction fenced by the key's mod revision: a lease that
 * expired, or was rewritten meanwhile, fails the compare.
 *
 * <p>Errors come back as failed futures holding a {@link StatusRuntimeException}.
 */
public final class LeaseOperations {

    static final int MAX_RACE_RETRIES = 32;

    private final LeaseStore store;
    private final LeaseIndex index;
    private final SubnetAllocator allocator;
    private final ExpiryTracker expiries;
    private final InstantSource clock;
    private final LeaseBuckets buckets;
    private final LeaseEventLog events;
    private final Map<String, CompletableFuture<?>> acquiringByNode = new ConcurrentHashMap<>();

    LeaseOperations(LeaseStore store, LeaseIndex index, SubnetAllocator allocator, ExpiryTracker expiries,
                    InstantSource clock, LeaseBuckets buckets, LeaseEventLog events) {
        this.store = store;
        this.index = index;
        this.allocator = allocator;
        this.expiries = expiries;
        this.clock = clock;
        this.buckets = buckets;
        this.events = events;
    }

    /** The outcome of an acquisition: the lease, how it was chosen, and when it expires. */
    public record Acquired(StoredLease lease, String source, Optional<Instant> expiry) {
    }

    /** Acquisitions for one node run one after another, so a node never ends up with two leases. */
    public CompletableFuture<Acquired> acquire(AcquireIntent intent, LeaseValue value) {
        CompletableFuture<Acquired> result = new CompletableFuture<>();
        CompletableFuture<?> previous = acquiringByNode.put(intent.nodeName(), result);
        CompletableFuture<?> before = previous == null ? CompletableFuture.completedFuture(null) : previous;
        before.handle((ignored, error) -> null)
                .thenCompose(ignored -> acquireOnce(intent, value, 0))
                .whenComplete((acquired, error) -> {
                    acquiringByNode.remove(intent.nodeName(), result);
                    if (error != null) {
                        result.completeExceptionally(unwrap(error));
                    } else {
                        result.complete(acquired);
                    }
                });
        return result;
    }

    private CompletableFuture<Acquired> acquireOnce(AcquireIntent intent, LeaseValue value, int attempt) {
        if (index.config().isEmpty()) {
            return failed(Status.FAILED_PRECONDITION, "no network config is set: run `weftctl config set FILE` first");
        }
        if (attempt > MAX_RACE_RETRIES) {
            return failed(Status.ABORTED, "lost " + attempt + " races for a free subnet in a row; retry");
        }
        Instant now = clock.instant();
        return switch (allocator.choose(intent, index, now)) {
            case Choice.Exhausted exhausted -> failed(Status.RESOURCE_EXHAUSTED, "no free " + exhausted.family()
                    + " subnet: every subnet between SubnetMin and SubnetMax is leased or reserved");
            case Choice.Reuse reuse -> reuse(reuse.lease(), reuse.source(), value, intent, attempt);
            case Choice.Create create -> create(create.subnet(), create.source(), value, intent, attempt)
                    .thenApply(acquired -> {
                        if (create.replaces() != null) {
                            retire(create.replaces());
                        }
                        return acquired;
                    });
        };
    }

    private CompletableFuture<Acquired> create(SubnetKey subnet, String source, LeaseValue value, AcquireIntent intent,
                                               int attempt) {
        events.intend(subnet, "source=" + source);
        return buckets.take().thenCompose(bucket -> store.createIfAbsent(subnet, value, bucket.etcdLeaseId())
                .thenCompose(revision -> {
                    if (revision.isEmpty()) {
                        // Another replica (or flanneld) created it first: our view was behind.
                        events.raceLost(subnet);
                        return acquireOnce(intent, value, attempt + 1);
                    }
                    return CompletableFuture.completedFuture(written(subnet, value, bucket, revision, source));
                }))
                .exceptionallyCompose(error -> {
                    Throwable cause = unwrap(error);
                    buckets.discardIfLost(cause);
                    if (cause instanceof StoreUnavailableException) {
                        events.abandon(subnet);
                        giveBack(subnet);
                    }
                    return CompletableFuture.failedFuture(toStatus(cause));
                });
    }

    /**
     * The node holds this lease (or reservation): rewrite it with the node's attributes; a lease
     * moves to the current bucket, which renews it.
     */
    private CompletableFuture<Acquired> reuse(StoredLease held, String source, LeaseValue wanted,
                                              AcquireIntent intent, int attempt) {
        LeaseValue value = held.value().sameAttributes(wanted) ? held.value() : wanted;
        if (held.reserved() && value == held.value()) {
            return CompletableFuture.completedFuture(new Acquired(held, source, Optional.empty()));
        }
        CompletableFuture<LeaseBuckets.Bucket> bucket = held.reserved()
                ? CompletableFuture.completedFuture(null) : buckets.take();
        events.intend(held.subnet(), "source=" + source);
        return bucket.thenCompose(target -> {
            long etcdLease = target == null ? 0 : target.etcdLeaseId();
            return store.compareAndPut(held.subnet(), value, etcdLease, held.modRevision()).thenCompose(revision -> {
                if (revision.isPresent()) {
                    return CompletableFuture.completedFuture(written(held.subnet(), value, target, revision, source));
                }
                // Changed under us (expired, or rewritten elsewhere): create it again, else decide again.
                return store.createIfAbsent(held.subnet(), value, etcdLease).thenCompose(created -> created.isPresent()
                        ? CompletableFuture.completedFuture(written(held.subnet(), value, target, created, source))
                        : acquireOnce(intent, value, attempt + 1));
            });
        }).exceptionallyCompose(error -> {
            events.abandon(held.subnet());
            buckets.discardIfLost(unwrap(error));
            return CompletableFuture.failedFuture(toStatus(unwrap(error)));
        });
    }

    /** Records a write this server made; bucket is null for a key with no etcd lease. */
    private Acquired written(SubnetKey subnet, LeaseValue value, LeaseBuckets.Bucket bucket, OptionalLong revision,
                             String source) {
        long etcdLease = bucket == null ? 0 : bucket.etcdLeaseId();
        StoredLease lease = new StoredLease(subnet, value, etcdLease, revision.getAsLong());
        index.applyPut(lease, false);
        if (bucket != null) {
            expiries.record(etcdLease, bucket.expiresAt(), clock.instant());
        }
        events.acquired();
        return new Acquired(lease, source, bucket == null ? Optional.empty() : Optional.of(bucket.expiresAt()));
    }

    /**
     * Renews the holder's lease by moving it to the current bucket: one etcd transaction, fenced
     * by the key's mod revision. Reservations succeed unchanged.
     */
    public CompletableFuture<Acquired> renew(IpPrefix subnet, String nodeName) {
        StoredLease lease;
        try {
            lease = heldLease(subnet, nodeName, "renew");
        } catch (StatusRuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (lease.reserved()) {
            return CompletableFuture.completedFuture(new Acquired(lease, "reservation", Optional.empty()));
        }
        return buckets.take().thenCompose(bucket -> store.compareAndPut(lease.subnet(), lease.value(),
                bucket.etcdLeaseId(), lease.modRevision()).thenCompose(revision -> {
                    if (revision.isPresent()) {
                        StoredLease renewed = new StoredLease(lease.subnet(), lease.value(), bucket.etcdLeaseId(),
                                revision.getAsLong());
                        index.applyPut(renewed, false);
                        expiries.record(bucket.etcdLeaseId(), bucket.expiresAt(), clock.instant());
                        events.renewed(renewed);
                        return CompletableFuture.completedFuture(
                                new Acquired(renewed, "existing", Optional.of(bucket.expiresAt())));
                    }
                    // The key changed since our view: gone with its etcd lease (expired), or rewritten.
                    return store.timeToLive(lease.etcdLeaseId()).thenApply(ttlLeft -> {
                        throw (ttlLeft.isEmpty()
                                ? Status.NOT_FOUND.withDescription("the lease on " + subnet
                                        + " expired; call AcquireLease again")
                                : Status.ABORTED.withDescription("the lease on " + subnet
                                        + " changed while it was being renewed; retry")).asRuntimeException();
                    });
                })).exceptionallyCompose(error -> {
                    buckets.discardIfLost(unwrap(error));
                    return CompletableFuture.failedFuture(toStatus(unwrap(error)));
                });
    }

    /** Deletes the holder's lease; a reservation is kept. Answers the deletion's revision, or 0. */
    public CompletableFuture<Long> release(IpPrefix subnet, String nodeName) {
        StoredLease lease;
        try {
            lease = heldLease(subnet, nodeName, "release");
        } catch (StatusRuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (lease.reserved()) {
            return CompletableFuture.completedFuture(0L);
        }
        events.intend(lease.subnet(), "released");
        return store.compareAndDelete(lease.subnet(), lease.modRevision()).handle((revision, error) -> {
            if (error != null || revision.isEmpty()) {
                events.abandon(lease.subnet());
            }
            if (error != null) {
                throw new CompletionException(toStatus(unwrap(error)));
            }
            if (revision.isEmpty()) {
                throw Status.ABORTED.withDescription("the lease on " + subnet
                        + " changed while it was being released; retry").asRuntimeException();
            }
            index.applyDelete(lease.subnet(), revision.getAsLong(), false, clock.instant());
            events.released();
            return revision.getAsLong();
        });
    }

    /** Deletes a node's old lease that no longer fits the network config (best effort). */
    private void retire(StoredLease old) {
        events.intend(old.subnet(), "released");
        store.compareAndDelete(old.subnet(), old.modRevision()).whenComplete((revision, error) -> {
            if (error == null && revision.isPresent()) {
                index.applyDelete(old.subnet(), revision.getAsLong(), false, clock.instant());
            } else {
                events.abandon(old.subnet());
            }
        });
    }

    private StoredLease heldLease(IpPrefix subnet, String nodeName, String verb) {
        StoredLease lease = index.bySubnet(subnet).orElseThrow(() -> Status.NOT_FOUND
                .withDescription("no lease holds " + subnet + " (it may have expired)").asRuntimeException());
        if (!nodeName.isEmpty() && !nodeName.equals(lease.nodeName())) {
            String holder = lease.nodeName().isEmpty() ? "a flanneld node at " + lease.value().publicIp()
                    : "node \"" + lease.nodeName() + "\"";
            throw Status.FAILED_PRECONDITION.withDescription("node \"" + nodeName + "\" cannot " + verb + " "
                    + subnet + ": it is held by " + holder).asRuntimeException();
        }
        return lease;
    }

    private void giveBack(SubnetKey subnet) {
        if (subnet.ipv4() != null) {
            index.returnUnused(subnet.ipv4());
        }
        if (subnet.ipv6() != null) {
            index.returnUnused(subnet.ipv6());
        }
    }

    static Throwable unwrap(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    static StatusRuntimeException toStatus(Throwable cause) {
        if (cause instanceof StatusRuntimeException status) {
            return status;
        }
        if (cause instanceof StoreUnavailableException) {
            return Status.UNAVAILABLE.withDescription(cause.getMessage()).withCause(cause).asRuntimeException();
        }
        return Status.INTERNAL.withDescription(String.valueOf(cause.getMessage())).withCause(cause).asRuntimeException();
    }

    private static <T> CompletableFuture<T> failed(Status status, String description) {
        return CompletableFuture.failedFuture(status.withDescription(description).asRuntimeException());
    }
}
