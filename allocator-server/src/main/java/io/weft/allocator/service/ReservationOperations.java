package io.weft.allocator.service;

import io.grpc.Status;
import io.weft.allocator.alloc.HostOwnership;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.AddressFence;
import io.weft.allocator.store.AddressFences;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.WriteOutcome;
import io.weft.config.IpPrefix;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reservations: lease keys stored with no etcd lease, so they never expire. A reservation is
 * never given an etcd lease while it exists (flannel issue #1329 is the bug this avoids);
 * deleting a reservation that a node uses turns it into an ordinary lease with the default TTL.
 * A reservation's node holds its addresses' claims as a lease's node does, with no etcd lease
 * while the reservation exists.
 */
public final class ReservationOperations {

    private static final Logger LOG = LoggerFactory.getLogger(ReservationOperations.class);

    private final LeaseStore store;
    private final LeaseIndex index;
    private final ExpiryTracker expiries;
    private final InstantSource clock;
    private final LeaseBuckets buckets;
    private final HostOwnership ownership = new HostOwnership();

    ReservationOperations(
            LeaseStore store, LeaseIndex index, ExpiryTracker expiries, InstantSource clock, LeaseBuckets buckets) {
        this.store = store;
        this.index = index;
        this.expiries = expiries;
        this.clock = clock;
        this.buckets = buckets;
    }

    /**
     * Reserves the subnets for the node; converts the node's own lease on them in place. On a
     * dual-stack network a missing IPv6 subnet (chooseIpv6) is the node's current one, or a free one.
     */
    public CompletableFuture<StoredLease> reserve(
            IpPrefix ipv4, IpPrefix ipv6, boolean chooseIpv6, String nodeName, String publicIp) {
        IpPrefix primary = ipv4 != null ? ipv4 : ipv6;
        if (chooseIpv6 && ipv6 == null) {
            Optional<StoredLease> current = index.bySubnet(primary);
            if (current.isPresent() && current.get().subnet().ipv6() != null) {
                return reserve(new SubnetKey(ipv4, current.get().subnet().ipv6()), nodeName, publicIp);
            }
            if (current.isPresent()) {
                return reserve(current.get().subnet(), nodeName, publicIp);
            }
            Optional<IpPrefix> free =
                    index.takeAny(true, clock.instant(), java.util.concurrent.ThreadLocalRandom.current());
            if (free.isEmpty()) {
                return failed(Status.RESOURCE_EXHAUSTED, "no free IPv6 subnet to pair with " + ipv4);
            }
            index.returnUnused(free.get());
            return reserve(new SubnetKey(ipv4, free.get()), nodeName, publicIp);
        }
        return reserve(new SubnetKey(ipv4, ipv6), nodeName, publicIp);
    }

    CompletableFuture<StoredLease> reserve(SubnetKey subnet, String nodeName, String publicIp) {
        Optional<StoredLease> nodeLease = index.byNode(nodeName);
        if (nodeLease.isPresent() && !nodeLease.get().subnet().equals(subnet)) {
            return failed(
                    Status.FAILED_PRECONDITION,
                    "node \"" + nodeName + "\" holds " + nodeLease.get().subnet()
                            + "; release it first, or reserve that subnet");
        }
        Optional<StoredLease> current = index.bySubnet(subnet.primary());
        if (current.isPresent()) {
            StoredLease lease = current.get();
            boolean sameNode = lease.nodeName().equals(nodeName)
                    || lease.nodeName().isEmpty()
                            && !publicIp.isEmpty()
                            && lease.value().publicIp().equals(publicIp);
            if (!sameNode || !lease.subnet().equals(subnet)) {
                return failed(
                        Status.FAILED_PRECONDITION,
                        subnet.primary() + " is held by "
                                + (lease.nodeName().isEmpty()
                                        ? "a flanneld node at " + lease.value().publicIp()
                                        : "node \"" + lease.nodeName() + "\""));
            }
            return write(
                    lease.subnet(),
                    withNode(lease.value(), nodeName, publicIp),
                    lease.modRevision(),
                    "changed while it was being reserved; retry");
        }
        LeaseValue value = new LeaseValue(publicIp, "", "", null, null, nodeName);
        Optional<String> conflict = ownership.conflict(value, true, index);
        if (conflict.isPresent()) {
            return failed(Status.FAILED_PRECONDITION, conflict.get());
        }
        boolean v4Taken = subnet.ipv4() == null || index.takeIfAvailable(subnet.ipv4());
        boolean v6Taken = v4Taken && (subnet.ipv6() == null || index.takeIfAvailable(subnet.ipv6()));
        if (!v6Taken) {
            if (v4Taken && subnet.ipv4() != null) {
                index.returnUnused(subnet.ipv4());
            }
            return failed(Status.FAILED_PRECONDITION, subnet + " is not free");
        }
        return write(subnet, value, 0, "was just taken by another node, or an address changed hands; retry")
                .exceptionallyCompose(error -> {
                    index.returnUnused(subnet); // frees nothing a key holds now
                    return asStatus(error);
                });
    }

    /**
     * Writes a reservation (no etcd lease) with its node's address claims, also with no etcd
     * lease, so no other node can take the reserved host's addresses while it exists.
     */
    private CompletableFuture<StoredLease> write(
            SubnetKey subnet, LeaseValue value, long expectedModRevision, String raced) {
        Optional<String> conflict = ownership.conflict(value, true, index);
        Optional<AddressFences> fences = ownership.fences(value, HostOwnership.Mode.ACQUIRE, index);
        if (conflict.isPresent() || fences.isEmpty()) {
            return failed(Status.FAILED_PRECONDITION, conflict.orElse(subnet.primary() + " " + raced));
        }
        return store.compareAndPut(subnet, value, 0, expectedModRevision, fences.get())
                .thenApply(outcome -> {
                    WriteOutcome.Written done = applied(outcome, subnet.primary() + " " + raced);
                    LOG.debug("subnet reserved: subnet={} node={}", subnet, value.nodeName());
                    return new StoredLease(subnet, value, 0, done.revision());
                })
                .exceptionallyCompose(ReservationOperations::asStatus);
    }

    /** Removes the reservation on this subnet; answers whether it became an ordinary lease. */
    public CompletableFuture<Boolean> unreserve(IpPrefix subnet) {
        Optional<StoredLease> current = index.bySubnet(subnet);
        if (current.isEmpty()) {
            return failed(Status.NOT_FOUND, "no reservation or lease holds " + subnet);
        }
        if (!current.get().reserved()) {
            return failed(Status.FAILED_PRECONDITION, subnet + " is an ordinary lease, not a reservation");
        }
        StoredLease lease = current.get();
        if (lease.value().backendType().isEmpty()) {
            List<AddressFence> addresses = ownership.releasing(lease.nodeName(), index);
            return store.compareAndDelete(lease.subnet(), lease.modRevision(), addresses)
                    .thenApply(outcome -> {
                        applied(outcome, subnet + " changed while it was being unreserved; retry");
                        LOG.debug("reservation removed: subnet={} node={}", lease.subnet(), lease.nodeName());
                        return false;
                    })
                    .exceptionallyCompose(ReservationOperations::asStatus);
        }
        // The node's address claims move onto the lease's etcd lease with it, to expire together.
        AddressFences fences =
                ownership.fences(lease.value(), HostOwnership.Mode.RENEW, index).orElseThrow();
        return buckets.take()
                .thenCompose(bucket -> store.compareAndPut(
                                lease.subnet(), lease.value(), bucket.etcdLeaseId(), lease.modRevision(), fences)
                        .thenApply(outcome -> {
                            applied(outcome, subnet + " changed while it was being unreserved; retry");
                            expiries.record(bucket.etcdLeaseId(), bucket.expiresAt(), clock.instant());
                            LOG.debug(
                                    "reservation removed, now an ordinary lease: subnet={} node={}",
                                    lease.subnet(),
                                    lease.nodeName());
                            return true;
                        }))
                .exceptionallyCompose(ReservationOperations::asStatus);
    }

    /** Applies what the write changed to this server's view ahead of the watch; ABORTED if it lost a compare. */
    private WriteOutcome.Written applied(WriteOutcome outcome, String raced) {
        if (!(outcome instanceof WriteOutcome.Written done)) {
            throw Status.ABORTED.withDescription(raced).asRuntimeException();
        }
        Instant now = clock.instant();
        done.changes().forEach(change -> index.apply(change, false, now));
        return done;
    }

    private static LeaseValue withNode(LeaseValue value, String nodeName, String publicIp) {
        return new LeaseValue(
                publicIp.isEmpty() ? value.publicIp() : publicIp,
                value.publicIpv6(),
                value.backendType(),
                value.backendData(),
                value.backendV6Data(),
                nodeName,
                value.extra());
    }

    private static <T> CompletableFuture<T> asStatus(Throwable error) {
        return CompletableFuture.failedFuture(LeaseOperations.toStatus(LeaseOperations.unwrap(error)));
    }

    private static <T> CompletableFuture<T> failed(Status status, String description) {
        return CompletableFuture.failedFuture(
                status.withDescription(description).asRuntimeException());
    }
}
