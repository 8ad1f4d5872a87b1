package io.weft.client;

import io.grpc.Status;
import io.weft.api.v1.Lease;

/**
 * What a {@link LeaseKeeper} tells its owner. Calls come one at a time from the keeper's scheduler
 * thread, in the order things happened; an exception thrown here is logged and ignored. Every
 * method does nothing by default.
 */
public interface LeaseKeeperListener {

    /** The node holds a lease, where it held none before (first start, or after a loss). */
    default void onLeaseAcquired(Lease lease) {}

    /** The lease was renewed or re-acquired with the same subnets; {@code lease} is its new state. */
    default void onLeaseRenewed(Lease lease) {}

    /**
     * The node's lease was gone on the server (expired, or taken by another node) and re-acquiring
     * gave it different subnets: the data plane must move from {@code previous} to {@code current}.
     */
    default void onLeaseChanged(Lease previous, Lease current) {}

    /**
     * The node no longer holds {@code lost}: it has expired while the server was unreachable, or
     * the server said it is gone and no new lease could be had. The keeper keeps trying to acquire.
     */
    default void onLeaseLost(Lease lost, Status cause) {}

    /** An acquire or renewal attempt failed; the keeper will retry after a back-off. */
    default void onAttemptFailed(Status cause) {}
}
