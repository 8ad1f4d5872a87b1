package io.weft.client;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Writes down what a {@link LeaseKeeper} reported, one short line per call. */
final class RecordingKeeperListener implements LeaseKeeperListener {

    final List<String> events = new CopyOnWriteArrayList<>();
    final List<Status> failedAttempts = new CopyOnWriteArrayList<>();

    @Override
    public void onLeaseAcquired(Lease lease) {
        events.add("acquired " + lease.getSubnet());
    }

    @Override
    public void onLeaseRenewed(Lease lease) {
        events.add("renewed " + lease.getSubnet());
    }

    @Override
    public void onLeaseChanged(Lease previous, Lease current) {
        events.add("changed " + previous.getSubnet() + " -> " + current.getSubnet());
    }

    @Override
    public void onLeaseLost(Lease lost, Status cause) {
        events.add("lost " + lost.getSubnet() + " (" + cause.getCode() + ")");
    }

    @Override
    public void onAttemptFailed(Status cause) {
        failedAttempts.add(cause);
    }
}
