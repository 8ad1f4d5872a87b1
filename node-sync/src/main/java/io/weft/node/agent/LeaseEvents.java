package io.weft.node.agent;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.client.LeaseKeeperListener;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Passes the lease keeper's news to the kernel thread. */
final class LeaseEvents implements LeaseKeeperListener {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseEvents.class);

    private final PeerProgrammer programmer;
    private final Executor kernelThread;
    /** Also told of every lease held, on the kernel thread, after the programmer (nftables rules). */
    private final Consumer<Lease> alsoOnLease;

    LeaseEvents(PeerProgrammer programmer, Executor kernelThread, Consumer<Lease> alsoOnLease) {
        this.programmer = programmer;
        this.kernelThread = kernelThread;
        this.alsoOnLease = alsoOnLease;
    }

    @Override
    public void onLeaseAcquired(Lease lease) {
        kernelThread.execute(() -> {
            programmer.leaseAcquired(lease);
            alsoOnLease.accept(lease);
        });
    }

    @Override
    public void onLeaseChanged(Lease previous, Lease current) {
        onLeaseAcquired(current);
    }

    @Override
    public void onLeaseLost(Lease lost, Status cause) {
        kernelThread.execute(() -> programmer.leaseLost(lost, cause));
    }

    @Override
    public void onAttemptFailed(Status cause) {
        LOG.warn("lease request failed ({}: {}); retrying with back-off", cause.getCode(), cause.getDescription());
    }
}
