package io.weft.faults;

import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.client.LeaseWatch;
import io.weft.client.LeaseWatchListener;
import io.weft.client.WeftClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A node's view of the cluster: a {@link LeaseWatch} whose every delivery is recorded. It can be
 * made a slow consumer for a while ({@link #stallUntil}), so that it falls behind the server.
 */
final class RecordingWatcher implements AutoCloseable {

    private final String name;
    private final RunLog runLog;
    private final LeaseWatch watch;
    private final List<WatchDelivery> deliveries = new ArrayList<>();
    private volatile CountDownLatch stall;

    RecordingWatcher(String name, WeftClient client, RunLog runLog) {
        this.name = name;
        this.runLog = runLog;
        this.watch = LeaseWatch.builder(client, new Recorder()).build();
    }

    void start() {
        watch.start();
    }

    long lastRevision() {
        return watch.lastRevision();
    }

    /** Blocks the next delivery (and so the stream) until {@code resume} is counted down. */
    void stallUntil(CountDownLatch resume) {
        stall = resume;
    }

    /** The watch's view and the revision it is at, read consistently (the revision did not move). */
    WatcherLog log() {
        while (true) {
            long before = watch.lastRevision();
            Map<String, Lease> view = watch.view();
            if (watch.lastRevision() == before) {
                Map<String, HeldLease> held = new HashMap<>();
                view.forEach((subnet, lease) -> held.put(subnet, held(lease)));
                synchronized (this) {
                    return new WatcherLog(name, deliveries, held, before);
                }
            }
        }
    }

    @Override
    public void close() {
        CountDownLatch current = stall;
        if (current != null) {
            current.countDown();
        }
        watch.close();
    }

    private static HeldLease held(Lease lease) {
        return new HeldLease(lease.getNodeName(), lease.getModRevision());
    }

    private final class Recorder implements LeaseWatchListener {

        @Override
        public void onSnapshot(long revision, boolean reset, Map<String, Lease> leases) {
            awaitStall();
            Map<String, HeldLease> held = new HashMap<>();
            leases.forEach((subnet, lease) -> held.put(subnet, held(lease)));
            record(new WatchDelivery.Snapshot(revision, held));
        }

        @Override
        public void onEvent(WatchLeasesResponse event) {
            awaitStall();
            Lease lease = event.getLease();
            boolean removed = event.getType() == WatchLeasesResponse.Type.REMOVED;
            record(new WatchDelivery.Event(
                    event.getRevision(), LeaseWatch.viewKey(lease), removed ? null : held(lease)));
        }

        private void record(WatchDelivery delivery) {
            synchronized (RecordingWatcher.this) {
                deliveries.add(delivery);
            }
            runLog.delivered();
        }

        private void awaitStall() {
            CountDownLatch current = stall;
            if (current == null) {
                return;
            }
            try {
                // A slow consumer, bounded so that a forgotten latch cannot hang the run.
                current.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stall = null;
        }
    }
}
