package io.weft.allocator.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.allocator.alloc.AcquireIntent;
import io.weft.allocator.alloc.HostAddresses;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.alloc.SubnetAllocator;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoreUnavailableException;
import io.weft.allocator.store.StoredLease;
import io.weft.config.IpPrefix;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Acquire, renew and release: the allocator's choices written to etcd. Keys live on shared etcd
 * leases ({@link LeaseBuckets}), so acquiring a new subnet is one transaction (plus, once per
 * window, a grant shared by many keys). Every write of a node's lease also writes the node's
 * claim key and its addresses' claim keys and compares their mod revisions, so one node never
 * holds two leases, nor two nodes one address, at any revision, whatever the number of replicas
 * and retries: in etcd, not in this server's memory.
 * A lost compare (another replica wrote first, the reply to an earlier attempt was lost) is
 * learnt from etcd's answer and decided again; it never fails a request that can succeed.
 * Renewal moves both keys to the current bucket in one transaction.
 *
 * <p>Errors come back as failed futures holding a {@link StatusRuntimeException}.
 */
public final class LeaseOperations {

    private final Map<String, CompletableFuture<?>> acquiringByNode = new ConcurrentHashMap<>();
    private final NodeRateLimiter rateLimiter;
    private final HolderOperations holders;
    private final Acquisitions acquisitions;

    LeaseOperations(
            LeaseStore store,
            LeaseIndex index,
            SubnetAllocator allocator,
            ExpiryTracker expiries,
            InstantSource clock,
            LeaseBuckets buckets,
            LeaseEventLog events,
            NodeRateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
        StoreAnswers answers = new StoreAnswers(index, clock);
        this.holders = new HolderOperations(store, index, expiries, clock, buckets, events, answers);
        this.acquisitions = new Acquisitions(store, index, allocator, expiries, clock, buckets, events, answers);
    }

    /** The outcome of an acquisition: the lease, how it was chosen, and when it expires. */
    public record Acquired(StoredLease lease, String source, Optional<Instant> expiry) {}

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
                .thenCompose(ignored -> acquisitions.acquire(intent, value, takeover, 0))
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
        return failed(
                Status.RESOURCE_EXHAUSTED,
                "node_name \"" + nodeName + "\": more than "
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
            return Status.UNAVAILABLE
                    .withDescription(cause.getMessage())
                    .withCause(cause)
                    .asRuntimeException();
        }
        return Status.INTERNAL
                .withDescription(String.valueOf(cause.getMessage()))
                .withCause(cause)
                .asRuntimeException();
    }

    static <T> CompletableFuture<T> failed(Status status, String description) {
        return CompletableFuture.failedFuture(
                status.withDescription(description).asRuntimeException());
    }
}
