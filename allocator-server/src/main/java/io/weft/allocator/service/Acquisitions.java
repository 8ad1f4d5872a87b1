package io.weft.allocator.service;

import static io.weft.allocator.service.LeaseOperations.failed;
import static io.weft.allocator.service.LeaseOperations.toStatus;
import static io.weft.allocator.service.LeaseOperations.unwrap;

import io.grpc.Status;
import io.weft.allocator.alloc.AcquireIntent;
import io.weft.allocator.alloc.Choice;
import io.weft.allocator.alloc.HostOwnership;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.alloc.SubnetAllocator;
import io.weft.allocator.store.AddressFences;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.LeaseWrite;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoreUnavailableException;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.WriteOutcome;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One acquisition, decided on the index and written to etcd: the choice (reuse the node's
 * lease, create one, or refuse), then one fenced transaction that writes the lease with the
 * node's claim and address claims. A lost compare is learnt from etcd's answer and decided
 * again, up to {@link #MAX_RACE_RETRIES} times; a decision never rests on a claim this server
 * has not seen the lease of.
 */
final class Acquisitions {

    static final int MAX_RACE_RETRIES = 32;

    private final LeaseStore store;
    private final LeaseIndex index;
    private final SubnetAllocator allocator;
    private final ExpiryTracker expiries;
    private final InstantSource clock;
    private final LeaseBuckets buckets;
    private final LeaseEventLog events;
    private final StoreAnswers answers;
    private final HostOwnership ownership = new HostOwnership();

    Acquisitions(
            LeaseStore store,
            LeaseIndex index,
            SubnetAllocator allocator,
            ExpiryTracker expiries,
            InstantSource clock,
            LeaseBuckets buckets,
            LeaseEventLog events,
            StoreAnswers answers) {
        this.store = store;
        this.index = index;
        this.allocator = allocator;
        this.expiries = expiries;
        this.clock = clock;
        this.buckets = buckets;
        this.events = events;
        this.answers = answers;
    }

    /** What one decision was asked, and the claims' revisions it was made against. */
    private record Attempt(
            AcquireIntent intent,
            LeaseValue value,
            boolean takeover,
            int number,
            long claimRevision,
            AddressFences fences) {}

    CompletableFuture<LeaseOperations.Acquired> acquire(
            AcquireIntent intent, LeaseValue value, boolean takeover, int attempt) {
        if (index.config().isEmpty()) {
            return failed(Status.FAILED_PRECONDITION, "no network config is set: run `weftctl config set FILE` first");
        }
        if (attempt > MAX_RACE_RETRIES) {
            return failed(Status.ABORTED, "lost " + attempt + " races for a free subnet in a row; retry");
        }
        Optional<SubnetKey> unseen = unseenClaimedLease(intent.nodeName());
        if (unseen.isEmpty()) {
            return decide(intent, value, takeover, attempt);
        }
        return store.read(unseen.get())
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(toStatus(unwrap(error))))
                .thenCompose(current -> {
                    answers.apply(List.of(current));
                    return decide(intent, value, takeover, attempt);
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
                .filter(lease -> lease.subnet().equals(claimed.get())
                        && lease.nodeName().equals(nodeName)
                        && lease.modRevision() >= claimRevision)
                .isPresent();
        return seen ? Optional.empty() : claimed;
    }

    private CompletableFuture<LeaseOperations.Acquired> decide(
            AcquireIntent intent, LeaseValue value, boolean takeover, int attempt) {
        // Read the claims before deciding: a claim that changes after this read fails the
        // write's compare. Read after, it could vouch for a decision made without seeing it.
        long claimRevision = index.claimRevision(intent.nodeName());
        Optional<String> conflict = ownership.conflict(value, takeover, index);
        if (conflict.isPresent()) {
            return failed(Status.FAILED_PRECONDITION, conflict.get());
        }
        Optional<AddressFences> fences = ownership.fences(value, HostOwnership.Mode.ACQUIRE, index);
        if (fences.isEmpty()) {
            return acquire(intent, value, takeover, attempt + 1); // an address was claimed meanwhile
        }
        Attempt tried = new Attempt(intent, value, takeover, attempt, claimRevision, fences.get());
        return switch (allocator.choose(intent, index, clock.instant(), attempt)) {
            case Choice.Exhausted exhausted ->
                failed(
                        Status.RESOURCE_EXHAUSTED,
                        "no free " + exhausted.family()
                                + " subnet: every subnet between SubnetMin and SubnetMax is leased or reserved");
            case Choice.Reuse reuse -> reuse(reuse.lease(), reuse.source(), tried);
            case Choice.Create create -> create(create.subnet(), create.source(), create.replaces(), tried);
        };
    }

    private CompletableFuture<LeaseOperations.Acquired> again(Attempt tried, AcquireIntent intent) {
        return acquire(intent, tried.value(), tried.takeover(), tried.number() + 1);
    }

    private CompletableFuture<LeaseOperations.Acquired> create(
            SubnetKey subnet, String source, StoredLease replaces, Attempt tried) {
        events.intend(subnet, "source=" + source);
        if (replaces != null) {
            events.intend(replaces.subnet(), "released");
        }
        return buckets.take()
                .thenCompose(bucket -> store.putWithClaim(new LeaseWrite(
                                subnet,
                                tried.value(),
                                bucket.etcdLeaseId(),
                                0,
                                tried.claimRevision(),
                                replaces,
                                tried.fences()))
                        .thenApply(outcome -> Map.entry(bucket, outcome)))
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
                    case WriteOutcome.Written done ->
                        CompletableFuture.completedFuture(
                                written(subnet, tried.value(), written.getKey(), done, source));
                    case WriteOutcome.Conflict conflict -> {
                        // Another replica (or flanneld) took the subnet first, or a claim changed:
                        // some other request gave the node a lease or another node an address.
                        events.raceLost(subnet);
                        if (replaces != null) {
                            events.abandon(replaces.subnet());
                        }
                        answers.apply(conflict.current());
                        if (conflict.current().getFirst() instanceof StoreEvent.LeaseDeleted) {
                            index.returnUnused(subnet);
                        }
                        yield again(tried, tried.intent());
                    }
                });
    }

    /**
     * The node holds this lease (or reservation): rewrite it with the node's attributes; a lease
     * moves to the current bucket, which renews it.
     */
    private CompletableFuture<LeaseOperations.Acquired> reuse(StoredLease held, String source, Attempt tried) {
        LeaseValue value = held.value().sameAttributes(tried.value()) ? held.value() : tried.value();
        if (held.reserved()) {
            return reuseReservation(held, source, value, tried);
        }
        events.intend(held.subnet(), "source=" + source);
        return buckets.take()
                .thenCompose(bucket -> store.putWithClaim(new LeaseWrite(
                                held.subnet(),
                                value,
                                bucket.etcdLeaseId(),
                                held.modRevision(),
                                tried.claimRevision(),
                                null,
                                tried.fences()))
                        .thenApply(outcome -> Map.entry(bucket, outcome)))
                .exceptionallyCompose(error -> {
                    events.abandon(held.subnet());
                    buckets.discardIfLost(unwrap(error));
                    return CompletableFuture.failedFuture(toStatus(unwrap(error)));
                })
                .thenCompose(written -> switch (written.getValue()) {
                    case WriteOutcome.Written done ->
                        CompletableFuture.completedFuture(
                                written(held.subnet(), value, written.getKey(), done, source));
                    case WriteOutcome.Conflict conflict -> {
                        // Changed under us (expired, rewritten elsewhere, or a claim moved): decide
                        // again, asking for the same subnet in case it is now free.
                        events.abandon(held.subnet());
                        answers.apply(conflict.current());
                        yield again(tried, tried.intent().preferring(held.subnet()));
                    }
                });
    }

    /**
     * A reservation has no etcd lease and no node claim: rewrite its attributes in place, with
     * its address claims (no etcd lease either).
     */
    private CompletableFuture<LeaseOperations.Acquired> reuseReservation(
            StoredLease held, String source, LeaseValue value, Attempt tried) {
        if (value == held.value()) {
            return CompletableFuture.completedFuture(new LeaseOperations.Acquired(held, source, Optional.empty()));
        }
        events.intend(held.subnet(), "source=" + source);
        return store.compareAndPut(held.subnet(), value, 0, held.modRevision(), tried.fences())
                .thenCompose(outcome -> {
                    if (outcome instanceof WriteOutcome.Written done) {
                        StoredLease lease = new StoredLease(held.subnet(), value, 0, done.revision());
                        answers.apply(done.changes());
                        events.acquired();
                        return CompletableFuture.completedFuture(
                                new LeaseOperations.Acquired(lease, source, Optional.empty()));
                    }
                    events.abandon(held.subnet());
                    answers.apply(((WriteOutcome.Conflict) outcome).current());
                    return again(tried, tried.intent());
                })
                .exceptionallyCompose(error -> {
                    events.abandon(held.subnet());
                    return CompletableFuture.failedFuture(toStatus(unwrap(error)));
                });
    }

    /** Records a write of a node's lease, claim and address claims this server made. */
    private LeaseOperations.Acquired written(
            SubnetKey subnet, LeaseValue value, LeaseBuckets.Bucket bucket, WriteOutcome.Written done, String source) {
        answers.apply(done.changes());
        expiries.record(bucket.etcdLeaseId(), bucket.expiresAt(), clock.instant());
        events.acquired();
        return new LeaseOperations.Acquired(
                new StoredLease(subnet, value, bucket.etcdLeaseId(), done.revision()),
                source,
                Optional.of(bucket.expiresAt()));
    }
}
