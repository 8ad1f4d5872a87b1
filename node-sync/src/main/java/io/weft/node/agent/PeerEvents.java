package io.weft.node.agent;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.client.LeaseWatch;
import io.weft.client.LeaseWatchListener;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the set of every lease from the watch and hands a copy to the kernel thread after each
 * snapshot or event. While the allocator is unreachable nothing changes here, so every
 * programmed route stays.
 */
final class PeerEvents implements LeaseWatchListener {

    private static final Logger LOG = LoggerFactory.getLogger("weft.node");

    private final PeerProgrammer programmer;
    private final Executor kernelThread;
    private final Map<String, Lease> leases = new HashMap<>();

    PeerEvents(PeerProgrammer programmer, Executor kernelThread) {
        this.programmer = programmer;
        this.kernelThread = kernelThread;
    }

    @Override
    public synchronized void onSnapshot(long revision, boolean reset, Map<String, Lease> snapshot) {
        leases.clear();
        leases.putAll(snapshot);
        LOG.info("{} {} leases at revision {}", reset ? "watch reset: now" : "watching", snapshot.size(), revision);
        publish();
    }

    @Override
    public synchronized void onEvent(WatchLeasesResponse event) {
        String key = LeaseWatch.viewKey(event.getLease());
        switch (event.getType()) {
            case ADDED, MODIFIED -> leases.put(key, event.getLease());
            case REMOVED -> leases.remove(key);
            default -> {
                return;
            }
        }
        LOG.info("lease {}: {} {} ({})", event.getType().name().toLowerCase(java.util.Locale.ROOT),
                event.getLease().getSubnet(), event.getLease().getNodeName(),
                event.getReason().isEmpty() ? "revision " + event.getRevision() : event.getReason());
        publish();
    }

    @Override
    public void onDisconnected(Status cause, Duration retryIn) {
        LOG.warn("lease watch disconnected ({}); keeping every programmed peer, retrying in {} ms",
                cause.getCode(), retryIn.toMillis());
    }

    @Override
    public void onFailed(Status cause) {
        LOG.error("lease watch stopped: {}", cause);
    }

    private void publish() {
        Map<String, Lease> copy = Map.copyOf(leases);
        kernelThread.execute(() -> programmer.peersChanged(copy));
    }
}
