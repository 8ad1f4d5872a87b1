package io.weft.allocator.service;

import io.grpc.Status;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.StoredLease;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * The read side of the lease service: what the server's view answers, at which revision, and
 * only once the view is loaded. A lease whose expiry this server does not know (written or last
 * renewed by another replica or flanneld) has it asked of etcd once.
 */
final class LeaseQueries {

    private final LeaseIndex index;
    private final BooleanSupplier synced;
    private final LeaseStore store;
    private final ExpiryTracker expiries;
    private final InstantSource clock;

    LeaseQueries(
            LeaseIndex index, BooleanSupplier synced, LeaseStore store, ExpiryTracker expiries, InstantSource clock) {
        this.index = index;
        this.synced = synced;
        this.store = store;
        this.expiries = expiries;
        this.clock = clock;
    }

    /** The network config, or UNAVAILABLE before the view is loaded, FAILED_PRECONDITION when none is set. */
    NetworkConfig requireConfig() {
        if (!synced.getAsBoolean()) {
            throw Status.UNAVAILABLE
                    .withDescription("this server has not loaded etcd's state yet; retry")
                    .asRuntimeException();
        }
        return index.config()
                .orElseThrow(() -> Status.FAILED_PRECONDITION
                        .withDescription("no network config is set: run `weftctl config set FILE` first")
                        .asRuntimeException());
    }

    /** The revision the view has seen everything up to. */
    long revision() {
        return index.revision();
    }

    Optional<StoredLease> bySubnet(IpPrefix subnet) {
        return index.bySubnet(subnet);
    }

    Optional<StoredLease> byNode(String nodeName) {
        return index.byNode(nodeName);
    }

    /** Every lease, ordered by subnet. */
    List<StoredLease> all() {
        return index.all();
    }

    /** The lease, once its expiry is known here if etcd still has its etcd lease. */
    CompletableFuture<StoredLease> withExpiry(StoredLease lease) {
        if (lease.reserved()
                || expiries.expiry(lease.etcdLeaseId())
                        .filter(clock.instant()::isBefore)
                        .isPresent()) {
            return CompletableFuture.completedFuture(lease);
        }
        return store.timeToLive(lease.etcdLeaseId()).handle((ttl, error) -> {
            if (error == null && ttl.isPresent()) {
                expiries.record(lease.etcdLeaseId(), ttl.getAsLong(), clock.instant());
            }
            return lease;
        });
    }
}
