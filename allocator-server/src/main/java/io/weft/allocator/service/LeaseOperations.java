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
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Acquire, renew and release: the allocator's choices written to etcd. Each acquisition of a
 * new subnet is one etcd lease grant plus one create-if-absent transaction; a lost race
 * (another replica created the key first) picks another subnet and never fails the request.
 * Renewal is one keep-alive of the lease's own etcd lease, which fences it: a lease that
 * expired, or was re-created for another node, has another etcd lease.
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
    private final Duration ttl;
    private final LeaseEventLog events;
    private final Map<String, CompletableFuture<?>> acquiringByNode = new ConcurrentHashMap<>();

    LeaseOperations(LeaseStore store, LeaseIndex index, SubnetAllocator allocator, ExpiryTracker expiries,
                    InstantSource clock, Duration ttl, LeaseEventLog events) {
        this.store = store;
        this.index = index;
        this.allocator = allocator;
        this.expiries = expiries;
        this.clock = clock;
        this.ttl = ttl;
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
                .thenCompose(ignored -> acquireOnce(intent, value, 0, 0))
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

    private CompletableFuture<Acquired> acquireOnce(AcquireIntent intent, LeaseValue value, int attempt,
                                                    long spareEtcdLease) {
        if (index.config().isEmpty()) {
            return failed(Status.FAILED_PRECONDITION, "no network config is set: run `weftctl config set FILE` first");
        }
        if (attempt > MAX_RACE_RETRIES) {
            revokeQuietly(spareEtcdLease);
            return failed(Status.ABORTED, "lost " + attempt + " races for a free subnet in a row; retry");
        }
        Instant now = clock.instant();
        return switch (allocator.choose(intent, index, now)) {
            case Choice.Exhausted exhausted -> {
                revokeQuietly(spareEtcdLease);
                yield failed(Status.RESOURCE_EXHAUSTED, "no free " + exhausted.family()
                        + " subnet: every subnet between SubnetMin and SubnetMax is leased or reserved");
            }
            case Choice.Reuse reuse -> {
                revokeQuietly(spareEtcdLease);
                yield reuse(reuse.lease(), reuse.source(), value, intent, attempt);
            }
            case Choice.Create create -> create(create.subnet(), create.source(), value, intent, attempt, spareEtcdLease)
                    .thenApply(acquired -> {
                        if (create.replaces() != null) {
                            retire(create.replaces());
                        }
                        return acquired;
                    });
        };
    }

    private CompletableFuture<Acquired> create(SubnetKey subnet, String source, LeaseValue value, AcquireIntent intent,
                                               int attempt, long spareEtcdLease) {
        CompletableFuture<Long> etcdLease = spareEtcdLease != 0
                ? CompletableFuture.completedFuture(spareEtcdLease) : store.grant(ttl);
        events.intend(subnet, "source=" + source);
        return etcdLease.thenCompose(leaseId -> store.createIfAbsent(subnet, value, leaseId)
                .thenCompose(revision -> {
                    if (revision.isEmpty()) {
                        // Another replica (or flanneld) created it first: our view was behind.
                        events.raceLost(subnet);
                        return acquireOnce(intent, value, attempt + 1, leaseId);
                    }
                    StoredLease lease = new StoredLease(subnet, value, leaseId, revision.getAsLong());
                    index.applyPut(lease, false);
                    expiries.record(leaseId, ttl.toSeconds(), clock.instant());
                    events.acquired();
                    return CompletableFuture.completedFuture(
                            new Acquired(lease, source, expiries.expiry(leaseId)));
                })
                .exceptionallyCompose(error -> {
                    revokeQuietly(leaseId);
                    return CompletableFuture.failedFuture(error);
                }))
                .exceptionallyCompose(error -> {
                    Throwable cause = unwrap(error);
                    if (cause instanceof StoreUnavailableException) {
                        events.abandon(subnet);
                        giveBack(subnet);
                    }
                    return CompletableFuture.failedFuture(toStatus(cause));
                });
    }

    private CompletableFuture<Acquired> reuse(StoredLease held, String source, LeaseValue wanted,
                                              AcquireIntent intent, int attempt) {
        LeaseValue value = held.value().sameAttributes(wanted) ? held.value() : wanted;
        if (held.reserved()) {
            if (value == held.value()) {
                return CompletableFuture.completedFuture(new Acquired(held, source, Optional.empty()));
            }
            return rewrite(held, value, 0, source, intent, attempt);
        }
        if (value == held.value()) {
            return store.keepAlive(held.etcdLeaseId()).thenCompose(ttlLeft -> {
                if (ttlLeft.isEmpty()) {
                    // Expired between our view and now: the watch will remove it; take it again.
                    return rewriteWithNewLease(held, value, source, intent, attempt);
                }
                expiries.record(held.etcdLeaseId(), ttlLeft.getAsLong(), clock.instant());
                return CompletableFuture.completedFuture(
                        new Acquired(held, source, expiries.expiry(held.etcdLeaseId())));
            }).exceptionallyCompose(error -> CompletableFuture.failedFuture(toStatus(unwrap(error))));
        }
        return rewriteWithNewLease(held, value, source, intent, attempt);
    }

    private CompletableFuture<Acquired> rewriteWithNewLease(StoredLease held, LeaseValue value, String source,
                                                            AcquireIntent intent, int attempt) {
        return store.grant(ttl)
                .thenCompose(leaseId -> rewrite(held, value, leaseId, source, intent, attempt)
                        .whenComplete((acquired, error) -> {
                            if (error != null) {
                                revokeQuietly(leaseId);
                            } else if (held.etcdLeaseId() != 0) {
                                revokeQuietly(held.etcdLeaseId());
                            }
                        }))
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(toStatus(unwrap(error))));
    }

    private CompletableFuture<Acquired> rewrite(StoredLease held, LeaseValue value, long etcdLeaseId, String source,
                                                AcquireIntent intent, int attempt) {
        events.intend(held.subnet(), "source=" + source);
        return store.compareAndPut(held.subnet(), value, etcdLeaseId, held.modRevision()).thenCompose(revision -> {
            if (revision.isEmpty()) {
                // Changed under us (renewed elsewhere, expired, or rewritten): decide again.
                return store.createIfAbsent(held.subnet(), value, etcdLeaseId).thenCompose(created -> created.isPresent()
                        ? CompletableFuture.completedFuture(written(held.subnet(), value, etcdLeaseId, created, source))
                        : acquireOnce(intent, value, attempt + 1, 0));
            }
            return CompletableFuture.completedFuture(written(held.subnet(), value, etcdLeaseId, revision, source));
        });
    }

    private Acquired written(SubnetKey subnet, LeaseValue value, long etcdLeaseId, OptionalLong revision,
                             String source) {
        StoredLease lease = new StoredLease(subnet, value, etcdLeaseId, revision.getAsLong());
        index.applyPut(lease, false);
        if (etcdLeaseId != 0) {
            expiries.record(etcdLeaseId, ttl.toSeconds(), clock.instant());
        }
        events.acquired();
        return new Acquired(lease, source, etcdLeaseId == 0 ? Optional.empty() : expiries.expiry(etcdLeaseId));
    }

    /** Renews the holder's lease by one TTL; reservations succeed unchanged. */
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
        return store.keepAlive(lease.etcdLeaseId()).handle((ttlLeft, error) -> {
            if (error != null) {
                throw new CompletionException(toStatus(unwrap(error)));
            }
            if (ttlLeft.isEmpty()) {
                throw Status.NOT_FOUND.withDescription("the lease on " + subnet
                        + " expired; call AcquireLease again").asRuntimeException();
            }
            expiries.record(lease.etcdLeaseId(), ttlLeft.getAsLong(), clock.instant());
            events.renewed(lease);
            return new Acquired(lease, "existing", expiries.expiry(lease.etcdLeaseId()));
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
            revokeQuietly(lease.etcdLeaseId());
            return revision.getAsLong();
        });
    }

    /** Deletes a node's old lease that no longer fits the network config (best effort). */
    private void retire(StoredLease old) {
        events.intend(old.subnet(), "released");
        store.compareAndDelete(old.subnet(), old.modRevision()).whenComplete((revision, error) -> {
            if (error == null && revision.isPresent()) {
                index.applyDelete(old.subnet(), revision.getAsLong(), false, clock.instant());
                revokeQuietly(old.etcdLeaseId());
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

    private void revokeQuietly(long etcdLeaseId) {
        if (etcdLeaseId != 0) {
            expiries.forget(etcdLeaseId);
            store.revoke(etcdLeaseId).exceptionally(error -> null);
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
