package io.weft.allocator.service;

import static io.weft.allocator.service.LeaseOperations.failed;
import static io.weft.allocator.service.LeaseOperations.toStatus;
import static io.weft.allocator.service.LeaseOperations.unwrap;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.allocator.alloc.HostAddresses;
import io.weft.allocator.alloc.HostOwnership;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.AddressFence;
import io.weft.allocator.store.AddressFences;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseWrite;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.WriteOutcome;
import io.weft.config.IpPrefix;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * What a holder does with the lease it has: renew it and release it. Both are one etcd
 * transaction fenced by the lease key's, the node's claim's and its address claims' mod
 * revisions; when a compare
 * fails, what etcd answered is applied to the index and the request decided once more, so a
 * renewal made through another replica a moment ago costs a retry here, not an error.
 */
final class HolderOperations {

    private final LeaseStore store;
    private final LeaseIndex index;
    private final ExpiryTracker expiries;
    private final InstantSource clock;
    private final LeaseBuckets buckets;
    private final LeaseEventLog events;
    private final StoreAnswers answers;
    private final HostOwnership ownership = new HostOwnership();

    HolderOperations(
            LeaseStore store,
            LeaseIndex index,
            ExpiryTracker expiries,
            InstantSource clock,
            LeaseBuckets buckets,
            LeaseEventLog events,
            StoreAnswers answers) {
        this.store = store;
        this.index = index;
        this.expiries = expiries;
        this.clock = clock;
        this.buckets = buckets;
        this.events = events;
        this.answers = answers;
    }

    /**
     * Renews the holder's lease by moving it (and its claim) to the current bucket: one etcd
     * transaction, fenced by both mod revisions. Reservations succeed unchanged. When a compare
     * fails, the keys' current state is learnt and the renewal decided once more: the lease is
     * gone (NOT_FOUND), held by another node (FAILED_PRECONDITION), or renewed now.
     */
    CompletableFuture<LeaseOperations.Acquired> renew(IpPrefix subnet, String nodeName, HostAddresses host) {
        return renew(subnet, nodeName, host, 0);
    }

    private CompletableFuture<LeaseOperations.Acquired> renew(
            IpPrefix subnet, String nodeName, HostAddresses host, int attempt) {
        long claimRevision = index.claimRevision(nodeName);
        StoredLease lease;
        try {
            lease = heldLease(subnet, nodeName, "renew");
        } catch (StatusRuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        Optional<String> takenOver = host.mismatch(lease.value());
        if (takenOver.isPresent()) {
            return failed(
                    Status.FAILED_PRECONDITION,
                    "the lease on " + subnet + " now names " + takenOver.get()
                            + ": another host took node \"" + nodeName + "\"'s lease over, and this host ("
                            + host.describe() + ") no longer holds it");
        }
        if (lease.reserved()) {
            return CompletableFuture.completedFuture(
                    new LeaseOperations.Acquired(lease, "reservation", Optional.empty()));
        }
        AddressFences fences =
                ownership.fences(lease.value(), HostOwnership.Mode.RENEW, index).orElseThrow();
        return buckets.take()
                .thenCompose(bucket -> store.putWithClaim(new LeaseWrite(
                                lease.subnet(),
                                lease.value(),
                                bucket.etcdLeaseId(),
                                lease.modRevision(),
                                claimRevision,
                                null,
                                fences))
                        .thenCompose(outcome -> switch (outcome) {
                            case WriteOutcome.Written done -> {
                                StoredLease renewed = new StoredLease(
                                        lease.subnet(), lease.value(), bucket.etcdLeaseId(), done.revision());
                                answers.apply(done.changes());
                                expiries.record(bucket.etcdLeaseId(), bucket.expiresAt(), clock.instant());
                                events.renewed(renewed);
                                yield CompletableFuture.completedFuture(new LeaseOperations.Acquired(
                                        renewed, "existing", Optional.of(bucket.expiresAt())));
                            }
                            case WriteOutcome.Conflict conflict -> {
                                answers.apply(conflict.current());
                                yield attempt == 0
                                        ? renew(subnet, nodeName, host, 1)
                                        : failed(
                                                Status.ABORTED,
                                                "the lease on " + subnet
                                                        + " changed while it was being renewed; retry");
                            }
                        }))
                .exceptionallyCompose(error -> {
                    buckets.discardIfLost(unwrap(error));
                    return CompletableFuture.failedFuture(toStatus(unwrap(error)));
                });
    }

    /**
     * Deletes the holder's lease, with the node's claim when it names this lease; a reservation
     * is kept. Answers the deletion's revision, or 0.
     */
    CompletableFuture<Long> release(IpPrefix subnet, String nodeName) {
        return release(subnet, nodeName, 0);
    }

    private CompletableFuture<Long> release(IpPrefix subnet, String nodeName, int attempt) {
        StoredLease lease;
        try {
            lease = heldLease(subnet, nodeName, "release");
        } catch (StatusRuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (lease.reserved()) {
            return CompletableFuture.completedFuture(0L);
        }
        String holder = lease.nodeName();
        boolean claimed = !holder.isEmpty()
                && index.claimedBy(holder).filter(lease.subnet()::equals).isPresent();
        events.intend(lease.subnet(), "released");
        List<AddressFence> addresses = claimed ? ownership.releasing(holder, index) : List.of();
        CompletableFuture<WriteOutcome> delete = claimed
                ? store.deleteWithClaim(
                        lease.subnet(), lease.modRevision(), holder, index.claimRevision(holder), addresses)
                : store.compareAndDelete(lease.subnet(), lease.modRevision(), List.of());
        return delete.exceptionallyCompose(error -> {
                    events.abandon(lease.subnet());
                    return CompletableFuture.failedFuture(toStatus(unwrap(error)));
                })
                .thenCompose(outcome -> switch (outcome) {
                    case WriteOutcome.Written done -> {
                        answers.apply(done.changes());
                        events.released();
                        yield CompletableFuture.completedFuture(done.revision());
                    }
                    case WriteOutcome.Conflict conflict -> {
                        events.abandon(lease.subnet());
                        answers.apply(conflict.current());
                        yield attempt == 0
                                ? release(subnet, nodeName, 1)
                                : failed(
                                        Status.ABORTED,
                                        "the lease on " + subnet + " changed while it was being released; retry");
                    }
                });
    }

    private StoredLease heldLease(IpPrefix subnet, String nodeName, String verb) {
        StoredLease lease = index.bySubnet(subnet)
                .orElseThrow(() -> Status.NOT_FOUND
                        .withDescription("no lease holds " + subnet + " (it may have expired)")
                        .asRuntimeException());
        if (!nodeName.isEmpty() && !nodeName.equals(lease.nodeName())) {
            String holder = lease.nodeName().isEmpty()
                    ? "a flanneld node at " + lease.value().publicIp()
                    : "node \"" + lease.nodeName() + "\"";
            throw Status.FAILED_PRECONDITION
                    .withDescription(
                            "node \"" + nodeName + "\" cannot " + verb + " " + subnet + ": it is held by " + holder)
                    .asRuntimeException();
        }
        return lease;
    }
}
