package io.weft.node.agent;

import io.grpc.Status;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.client.LeaseKey;
import io.weft.client.LeaseWatchListener;
import io.weft.client.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the watch's view of every lease to the kernel thread after each snapshot or event. The
 * view handed over is an immutable copy made when the kernel thread takes it, not at each event:
 * copying 30,000 leases costs milliseconds, and a burst of events is taken once. To copy it then,
 * this keeps its own map of the live leases, updated by each event in O(1) (the same lease
 * objects as the watch's). While the allocator is unreachable nothing changes here, so every
 * programmed route stays. A reset that looks like a lost etcd keeps the peers it dropped for a
 * grace period ({@link StoreLossGrace}). Everything the watch shows is also passed to
 * {@code ownLease} (the lease keeper), which re-acquires when this node's lease is gone.
 */
final class PeerEvents implements LeaseWatchListener {

    private static final Logger LOG = LoggerFactory.getLogger(PeerEvents.class);

    private final Consumer<Supplier<Map<String, Lease>>> publish;
    private final LeaseWatchListener ownLease;
    private final StoreLossGrace grace;
    private final Scheduler scheduler;
    /** The watch's view, by the watch's keys, kept up to date event by event. */
    private Map<String, Lease> live = new HashMap<>();

    /**
     * @param publish   told of each change (on the caller's thread: hop threads there); the supplier
     *                  answers the view then current, the live leases plus any kept through a lost
     *                  store, as an immutable map, on any thread
     * @param ownLease  hears every snapshot and event too (the lease keeper's watch listener)
     * @param grace     keeps peers through a lost store
     * @param scheduler the clock and the timer that ends a grace period
     */
    PeerEvents(
            Consumer<Supplier<Map<String, Lease>>> publish,
            LeaseWatchListener ownLease,
            StoreLossGrace grace,
            Scheduler scheduler) {
        this.publish = publish;
        this.ownLease = ownLease;
        this.grace = grace;
        this.scheduler = scheduler;
    }

    /**
     * The usual wiring: views go to the programmer on the kernel thread, newest only (a burst of
     * events is one reconcile).
     */
    static PeerEvents toKernel(
            PeerProgrammer programmer,
            Executor kernelThread,
            LeaseWatchListener ownLease,
            StoreLossGrace grace,
            Scheduler scheduler) {
        NewestViewHandoff<Map<String, Lease>> handoff = new NewestViewHandoff<>(kernelThread, programmer::peersChanged);
        return new PeerEvents(handoff::offer, ownLease, grace, scheduler);
    }

    @Override
    public void onSnapshot(long revision, boolean reset, Map<String, Lease> snapshot) {
        synchronized (this) {
            LOG.info("{} {} leases at revision {}", reset ? "watch reset: now" : "watching", snapshot.size(), revision);
            if (reset) {
                grace.reset(grace.view(live), snapshot, scheduler.now()).ifPresent(started -> {
                    LOG.warn(
                            "the reset dropped this node's lease and {} of {} peers: etcd lost its data, not the "
                                    + "peers; keeping their routes until {} while they re-acquire",
                            started.kept(),
                            started.peersBefore(),
                            started.until());
                    scheduler.schedule(Duration.between(scheduler.now(), started.until()), this::graceOver);
                });
            }
            live = new HashMap<>(snapshot);
            changed();
        }
        ownLease.onSnapshot(revision, reset, snapshot);
    }

    @Override
    public void onEvent(WatchLeasesResponse event, Map<String, Lease> view) {
        synchronized (this) {
            LOG.info(
                    "lease {}: {} {} ({})",
                    event.getType().name().toLowerCase(Locale.ROOT),
                    event.getLease().getSubnet(),
                    event.getLease().getNodeName(),
                    event.getReason().isEmpty() ? "revision " + event.getRevision() : event.getReason());
            String key = LeaseKey.of(event.getLease());
            if (event.getType() == WatchLeasesResponse.Type.REMOVED) {
                live.remove(key);
            } else {
                live.put(key, event.getLease());
            }
            if (live.size() != view.size()) {
                live = new HashMap<>(view); // never expected: the watch's own view is the truth
            }
            changed();
        }
        ownLease.onEvent(event, view);
    }

    @Override
    public void onDisconnected(Status cause, Duration retryIn) {
        LOG.warn(
                "lease watch disconnected ({}); keeping every programmed peer, retrying in {} ms",
                cause.getCode(),
                retryIn.toMillis());
    }

    @Override
    public void onFailed(Status cause) {
        LOG.error("lease watch stopped: {}", cause);
    }

    private synchronized void graceOver() {
        Instant now = scheduler.now();
        List<Lease> gone = grace.expire(now);
        if (grace.until().isPresent()) {
            // a later reset restarted the grace period; its own timer ends it
            return;
        }
        if (!gone.isEmpty()) {
            LOG.warn(
                    "lost-store grace period over: {} peers did not come back, removing their routes (e.g. {})",
                    gone.size(),
                    gone.stream()
                            .limit(3)
                            .map(lease -> lease.getNodeName() + " " + lease.getSubnet())
                            .toList());
        } else {
            LOG.info("lost-store grace period over: every kept peer came back");
        }
        changed(); // the live leases alone now: the kept peers are forgotten
    }

    private void changed() {
        publish.accept(this::view);
    }

    /** The live leases plus any kept through a lost store, as an immutable copy. */
    private synchronized Map<String, Lease> view() {
        return grace.view(live);
    }
}
