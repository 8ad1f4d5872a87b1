package io.weft.node.agent;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.client.LeaseKeeperListener;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Passes the lease keeper's news to the kernel thread. */
final class LeaseEvents implements LeaseKeeperListener {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseEvents.class);

    private final PeerProgrammer programmer;
    private final Executor kernelThread;

    LeaseEvents(PeerProgrammer programmer, Executor kernelThread) {
        this.programmer = programmer;
        this.kernelThread = kernelThread;
    }

    @Override
    public void onLeaseAcquired(Lease lease) {
        kernelThread.execute(() -> programmer.leaseAcquired(lease));
    }

    @Override
    public void onLeaseChanged(Lease previous, Lease current) {
        kernelThread.execute(() -> programmer.leaseAcquired(current));
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
