package io.weft.faults;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.VxlanBackendData;
import io.weft.client.LeaseKeeper;
import io.weft.client.LeaseKeeperListener;
import io.weft.client.WeftClient;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node without a kernel: a {@link LeaseKeeper} that acquires and renews, recording every
 * acknowledgement and loss in the {@link RunLog}. A churning node can also {@link #release()}
 * its lease (stopping its keeper first, so nothing is in flight) and later {@link #start()} again.
 */
final class SimulatedNode {

    private static final Logger LOG = LoggerFactory.getLogger(SimulatedNode.class);

    private final String name;
    private final AcquireLeaseRequest request;
    private final WeftClient client;
    private final Duration renewMargin;
    private final RunLog runLog;
    private volatile LeaseKeeper keeper;
    private DrainingScheduler scheduler;

    SimulatedNode(int index, WeftClient client, Duration renewMargin, RunLog runLog) {
        this.request = acquireRequest(index);
        this.name = request.getNodeName();
        this.client = client;
        this.renewMargin = renewMargin;
        this.runLog = runLog;
    }

    /** Node {@code index}'s acquisition: its own name, public IP and VTEP MAC. */
    static AcquireLeaseRequest acquireRequest(int index) {
        String publicIp = "192.168." + (index / 250) + "." + (index % 250 + 1);
        byte[] mac = {0x0a, 0x58, 0, 0, (byte) (index >> 8), (byte) index};
        return AcquireLeaseRequest.newBuilder()
                .setNodeName(String.format("node-%04d", index))
                .setPublicIp(publicIp)
                .setBackendType("vxlan")
                .setVxlan(VxlanBackendData.newBuilder()
                        .setVni(1)
                        .setVtepMac(HexFormat.ofDelimiter(":").formatHex(mac)))
                .build();
    }

    String name() {
        return name;
    }

    /** Whether the node holds a lease now, as its keeper last heard. */
    boolean holding() {
        LeaseKeeper current = keeper;
        return current != null && current.currentLease().isPresent();
    }

    synchronized void start() {
        scheduler = new DrainingScheduler("keeper-" + name);
        keeper = LeaseKeeper.builder(client, request)
                .scheduler(scheduler)
                .renewMargin(renewMargin)
                .listener(new Recorder())
                .build();
        keeper.start();
    }

    /** Stops renewing and waits for an attempt in flight to end; the lease stays until it expires. */
    synchronized Optional<Lease> stop() throws InterruptedException {
        if (keeper == null) {
            return Optional.empty();
        }
        keeper.close();
        scheduler.close();
        Optional<Lease> held = keeper.currentLease();
        keeper = null;
        return held;
    }

    /** Stops the keeper, then gives the lease back, as a node leaving the cluster does. */
    void release() throws InterruptedException {
        Optional<Lease> held = stop();
        if (held.isEmpty()) {
            return;
        }
        String subnet = held.get().getSubnet();
        Instant decided = Instant.now();
        long revision = 0;
        try {
            revision = client.release(subnet, name);
        } catch (StatusRuntimeException e) {
            // Still given up: the node no longer uses it, and it expires on its own.
            LOG.info("{}: releasing {} failed ({}); it will expire", name, subnet, e.getStatus());
        }
        runLog.add(new NodeRecord.Released(name, subnet, revision, decided));
    }

    private final class Recorder implements LeaseKeeperListener {

        @Override
        public void onLeaseAcquired(Lease lease) {
            acked(lease);
        }

        @Override
        public void onLeaseRenewed(Lease lease) {
            acked(lease);
        }

        @Override
        public void onLeaseChanged(Lease previous, Lease current) {
            acked(current);
        }

        @Override
        public void onLeaseLost(Lease lost, Status cause) {
            runLog.add(new NodeRecord.Lost(name, lost.getSubnet(), Instant.now()));
            LOG.warn(
                    "{} lost {} (expired {}): {}",
                    name,
                    lost.getSubnet(),
                    lost.getExpireTime().getSeconds(),
                    cause);
        }

        @Override
        public void onAttemptFailed(Status cause) {
            runLog.attemptFailed();
        }

        private void acked(Lease lease) {
            Timestamp expiry = lease.getExpireTime();
            runLog.add(new NodeRecord.Acked(
                    name,
                    lease.getSubnet(),
                    lease.getModRevision(),
                    Instant.ofEpochSecond(expiry.getSeconds(), expiry.getNanos()),
                    Instant.now()));
        }
    }
}
