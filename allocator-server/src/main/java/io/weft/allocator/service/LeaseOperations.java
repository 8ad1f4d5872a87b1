package io.weft.allocator.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.allocator.alloc.AcquireIntent;
import io.weft.allocator.alloc.Choice;
import io.weft.allocator.alloc.HostAddresses;
import io.weft.allocator.alloc.HostOwnership;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.alloc.SubnetAllocator;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.LeaseWrite;
import io.weft.allocator.store.NodeClaim;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoreUnavailableException;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.WriteOutcome;
import io.weft.config.IpPrefix;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Acquire, renew and release: the allocator's choices written to etcd. Keys live on shared etcd
 * leases ({@link LeaseBuckets}), so acquiring a new subnet is one transaction (plus, once per
 * window, a grant shared by many keys). Every write of a node's lease also writes the node's
 * claim key and compares both keys' mod revisions, so one node never holds two leases at any
 * revision, whatever the number of replicas and retries: in etcd, not in this server's memory.
 * A lost compare (another replica wrote first, the reply to an earlier attempt was lost) is
 * learnt from etcd's answer and decided again; it never fails a request that can succeed.
 * Renewal moves both keys to the current bucket in one transaction.
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
    private final HostOwnership ownership = new HostOwnership();
    private final NodeRateLimiter rateLimiter;
    private final StoreAnswers answers;
    private final HolderOperations holders;

    LeaseOperations(LeaseStore store, LeaseIndex index, SubnetAllocator allocator, ExpiryTracker expiries,
                    InstantSource clock, LeaseBuckets buckets, LeaseEventLog events, NodeRateLimiter rateLimiter) {
        this.store = store;
        this.index = index;
        this.allocator = allocator;
        this.expiries = expiries;
        this.clock = clock;
        this.buckets = buckets;
        this.events = events;
        this.rateLimiter = rateLimiter;
        this.answers = new StoreAnswers(index, clock);
        this.holders = new HolderOperations(store, index, expiries, clock, buckets, events, answers);
    }

    /** The outcome of an acquisition: the lease, how it was chosen, and when it expires. */
    public record Acquired(StoredLease lease, String source, Optional<Instant> expiry) {
    }

    /**
     * Acquisitions for one node run one after another in this server, so they do not lose
     * compares to each other; the claim in etcd is what keeps a node to one lease across servers.
     */
    public CompletableFuture<Acquired> acquire(AcquireIntent intent, LeaseValue value, boolean takeover) {
        if (!rateLimiter.tryAcquire(intent.nodeName())) {
            return rateLimited(intent.nodeName());
        }
        CompletableFuture<Acquired> result = new CompletableFuture<>();
        CompletableFuture<?> previous = acquiringByNode.put(intent.nodeName(), result);
        CompletableFuture<?> before = previous == null ? CompletableFuture.completedFuture(null) : previous;
        before.handle((ignored, error) -> null)
                .thenCompose(ignored -> {
                    Optional<String> conflict = ownership.conflict(value, takeover, index);
                    return conflict.isPresent() ? failed(Status.FAILED_PRECONDITION, conflict.get())
                            : acquireOnce(intent, value, 0);
                })
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
        Optional<SubnetKey> unseen = unseenClaimedLease(intent.nodeName());
        if (unseen.isEmpty()) {
            return decide(intent, value, attempt);
        }
        return store.read(unseen.get())
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(toStatus(unwrap(error))))
                .thenCompose(current -> {
                    answers.apply(List.of(current));
                    return decide(intent, value, attempt);
                });
    }

    /**
     * The lease the node's claim names when this server has not seen it as the node's, at the
     * claim's revision or later: written through another replica, learnt from a lost compare, or
     * committed before a reply was lost. It must be read before deciding: a choice made without
     * it would be vouched for by the claim's revision and create a second lease.
     */
    private Optional<SubnetKey> unseenClaimedLease(String nodeName) {
        Optional<SubnetKey> claimed = index.claimedBy(nodeName);
        long claimRevision = index.claimRevision(nodeName);
        boolean seen = claimed.flatMap(subnet -> index.bySubnet(subnet.primary()))
                .filter(lease -> lease.subnet().equals(claimed.get()) && lease.nodeName().equals(nodeName)
                        && lease.modRevision() >= claimRevision).isPresent();
        return seen ? Optional.empty() : claimed;
    }

    private CompletableFuture<Acquired> decide(AcquireIntent intent, LeaseValue value, int attempt) {
        Instant now = clock.instant();
        // Read before deciding: a claim that changes after this read fails the write's compare.
        // Read after, it could vouch for a decision made without seeing the lease it names.
        long claimRevision = index.claimRevision(intent.nodeName());
        return switch (allocator.choose(intent, index, now)) {
            case Choice.Exhausted exhausted -> failed(Status.RESOURCE_EXHAUSTED, "no free " + exhausted.family()
                    + " subnet: every subnet between SubnetMin and SubnetMax is leased or reserved");
            case Choice.Reuse reuse -> reuse(reuse.lease(), reuse.source(), value, intent, attempt, claimRevision);
            case Choice.Create create -> create(create.subnet(), create.source(), value, intent, attempt,
                    create.replaces(), claimRevision);
        };
    }

    private CompletableFuture<Acquired> create(SubnetKey subnet, String source, LeaseValue value, AcquireIntent intent,
                                               int attempt, StoredLease replaces, long claimRevision) {
        events.intend(subnet, "source=" + source);
        if (replaces != null) {
            events.intend(replaces.subnet(), "released");
        }
        return buckets.take()
                .thenCompose(bucket -> store.putWithClaim(new LeaseWrite(subnet, value, bucket.etcdLeaseId(), 0,
                        claimRevision, replaces)).thenApply(outcome -> Map.entry(bucket, outcome)))
                .exceptionallyCompose(error -> {
                    Throwable cause = unwrap(error);
                    events.abandon(subnet);
                    buckets.discardIfLost(cause);
                    if (cause instanceof StoreUnavailableException) {
                        index.returnUnused(subnet);
                    }
                    return CompletableFuture.failedFuture(toStatus(cause));
                })
                .thenCompose(written -> switch (written.getValue()) {
                    case WriteOutcome.Written done -> {
                        if (replaces != null) {
                            index.applyDelete(replaces.subnet(), done.revision(), false, clock.instant());
                        }
                        yield CompletableFuture.completedFuture(
                                written(subnet, value, written.getKey(), done.revision(), source));
                    }
                    case WriteOutcome.Conflict conflict -> {
                        // Another replica (or flanneld) took the subnet first, or the node's claim
                        // changed: some other request holds or gave the node a lease meanwhile.
                        events.raceLost(subnet);
                        if (replaces != null) {
                            events.abandon(replaces.subnet());
                        }
                        answers.apply(conflict.current());
                        if (conflict.current().getFirst() instanceof StoreEvent.LeaseDeleted) {
                            index.returnUnused(subnet);
                        }
                        yield acquireOnce(intent, value, attempt + 1);
                    }
                });
    }

    /**
     * The node holds this lease (or reservation): rewrite it with the node's attributes; a lease
     * moves to the current bucket, which renews it.
     */
    private CompletableFuture<Acquired> reuse(StoredLease held, String source, LeaseValue wanted,
                                              AcquireIntent intent, int attempt, long claimRevision) {
        LeaseValue value = held.value().sameAttributes(wanted) ? held.value() : wanted;
        if (held.reserved()) {
            return reuseReservation(held, source, value, intent, attempt);
        }
        events.intend(held.subnet(), "source=" + source);
        return buckets.take()
                .thenCompose(bucket -> store.putWithClaim(new LeaseWrite(held.subnet(), value, bucket.etcdLeaseId(),
                        held.modRevision(), claimRevision, null))
                        .thenApply(outcome -> Map.entry(bucket, outcome)))
                .exceptionallyCompose(error -> {
                    events.abandon(held.subnet());
                    buckets.discardIfLost(unwrap(error));
                    return CompletableFuture.failedFuture(toStatus(unwrap(error)));
                })
                .thenCompose(written -> switch (written.getValue()) {
                    case WriteOutcome.Written done -> CompletableFuture.completedFuture(
                            written(held.subnet(), value, written.getKey(), done.revision(), source));
                    case WriteOutcome.Conflict conflict -> {
                        // Changed under us (expired, rewritten elsewhere, or the claim moved): decide
                        // again, asking for the same subnet in case it is now free.
                        events.abandon(held.subnet());
                        answers.apply(conflict.current());
                        yield acquireOnce(intent.preferring(held.subnet()), value, attempt + 1);
                    }
                });
    }

    /** A reservation has no etcd lease and no claim: rewrite its attributes in place. */
    private CompletableFuture<Acquired> reuseReservation(StoredLease held, String source, LeaseValue value,
                                                         AcquireIntent intent, int attempt) {
        if (value == held.value()) {
            return CompletableFuture.completedFuture(new Acquired(held, source, Optional.empty()));
        }
        events.intend(held.subnet(), "source=" + source);
        return store.compareAndPut(held.subnet(), value, 0, held.modRevision()).thenCompose(revision -> {
            if (revision.isPresent()) {
                StoredLease lease = new StoredLease(held.subnet(), value, 0, revision.getAsLong());
                index.applyPut(lease, false);
                events.acquired();
                return CompletableFuture.completedFuture(new Acquired(lease, source, Optional.empty()));
            }
            events.abandon(held.subnet());
            return store.read(held.subnet()).thenCompose(current -> {
                answers.apply(List.of(current));
                return acquireOnce(intent, value, attempt + 1);
            });
        }).exceptionallyCompose(error -> {
            events.abandon(held.subnet());
            return CompletableFuture.failedFuture(toStatus(unwrap(error)));
        });
    }

    /** Records a write of a node's lease and claim this server made. */
    private Acquired written(SubnetKey subnet, LeaseValue value, LeaseBuckets.Bucket bucket, long revision,
                             String source) {
        StoredLease lease = new StoredLease(subnet, value, bucket.etcdLeaseId(), revision);
        index.applyPut(lease, false);
        index.applyClaim(new NodeClaim(value.nodeName(), subnet, revision), false);
        expiries.record(bucket.etcdLeaseId(), bucket.expiresAt(), clock.instant());
        events.acquired();
        return new Acquired(lease, source, Optional.of(bucket.expiresAt()));
    }

    /** See {@link HolderOperations#renew}. */
    public CompletableFuture<Acquired> renew(IpPrefix subnet, String nodeName, HostAddresses host) {
        if (!rateLimiter.tryAcquire(nodeName)) {
            return rateLimited(nodeName);
        }
        return holders.renew(subnet, nodeName, host);
    }

    /** See {@link HolderOperations#release}. */
    public CompletableFuture<Long> release(IpPrefix subnet, String nodeName) {
        return holders.release(subnet, nodeName);
    }

    private <T> CompletableFuture<T> rateLimited(String nodeName) {
        return failed(Status.RESOURCE_EXHAUSTED, "node_name \"" + nodeName + "\": more than "
                + rateLimiter.perMinute() + " acquisitions and renewals a minute; allowed: --node-rate-limit ("
                + rateLimiter.perMinute() + " a minute, in bursts of as many); retry later");
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

    static <T> CompletableFuture<T> failed(Status status, String description) {
        return CompletableFuture.failedFuture(status.withDescription(description).asRuntimeException());
    }
}
