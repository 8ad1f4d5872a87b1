package io.weft.allocator.service;

import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredLease;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the index and the watch hub current with the server's one etcd watch: list once,
 * then watch from the list's revision + 1. When etcd has compacted the revision the watch
 * needs, or the watch fails, it lists again (with back-off while etcd is unreachable) and
 * resets every watcher with a fresh snapshot, so no change is ever skipped silently.
 */
public final class StoreFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreFollower.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final LeaseStore store;
    private final LeaseIndex index;
    private final WatchHub hub;
    private final LeaseEventLog events;
    private final InstantSource clock;
    private final ScheduledExecutorService scheduler;
    private final CompletableFuture<Void> firstSync = new CompletableFuture<>();
    private volatile AutoCloseable watch;
    private volatile boolean closed;
    private volatile boolean synced;

    StoreFollower(
            LeaseStore store,
            LeaseIndex index,
            WatchHub hub,
            LeaseEventLog events,
            InstantSource clock,
            ScheduledExecutorService scheduler) {
        this.store = store;
        this.index = index;
        this.hub = hub;
        this.events = events;
        this.clock = clock;
        this.scheduler = scheduler;
    }

    /** Starts following; the future completes after the first snapshot is loaded. */
    public CompletableFuture<Void> start() {
        resync(Duration.ZERO);
        return firstSync;
    }

    /** True while the index reflects etcd (false between a lost watch and the next list). */
    public boolean synced() {
        return synced;
    }

    private void resync(Duration delay) {
        if (closed) {
            return;
        }
        scheduler.schedule(
                () -> store.snapshot().whenComplete((snapshot, error) -> {
                    if (error != null) {
                        Duration next =
                                delay.isZero() ? Duration.ofMillis(200) : min(delay.multipliedBy(2), MAX_BACKOFF);
                        LOG.warn(
                                "cannot read leases from etcd ({}); retrying in {} ms",
                                error.getMessage(),
                                next.toMillis());
                        resync(next);
                    } else {
                        try {
                            load(snapshot);
                        } catch (RuntimeException e) {
                            // Thrown inside a future callback, it would vanish and the server never sync.
                            LOG.error("loading the leases read from etcd failed; listing again", e);
                            synced = false;
                            resync(Duration.ofSeconds(1));
                        }
                    }
                }),
                delay.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    private synchronized void load(Snapshot snapshot) {
        if (closed) {
            return;
        }
        index.reset(snapshot).ifPresent(problem -> LOG.error("the stored network config is invalid: {}", problem));
        snapshot.skipped().forEach(skip -> events.skipped(skip.key(), skip.reason()));
        hub.reset(snapshot.leases(), snapshot.revision());
        LOG.info(
                "loaded {} leases at revision {}{}",
                snapshot.leases().size(),
                snapshot.revision(),
                snapshot.config().isPresent() ? "" : " (no network config set yet)");
        synced = true;
        firstSync.complete(null);
        watch = store.watch(snapshot.revision() + 1, new LeaseStore.WatchListener() {
            @Override
            public void onEvent(StoreEvent event) {
                onRevision(List.of(event));
            }

            /** A revision's changes reach the hub together: no watcher hears of half of them. */
            @Override
            public void onRevision(List<StoreEvent> changes) {
                try {
                    hub.together(() -> {
                        List<Optional<String>> problems = index.applyAll(changes, true, clock.instant());
                        for (int i = 0; i < changes.size(); i++) {
                            publish(changes.get(i), problems.get(i));
                        }
                    });
                } catch (RuntimeException e) {
                    // The index and the hub may now lag etcd: never carry on silently, list again.
                    LOG.error("applying the etcd events {} failed; listing again", changes, e);
                    synced = false;
                    closeWatch();
                    resync(Duration.ofSeconds(1));
                }
            }

            @Override
            public void onCompacted(long compactedRevision) {
                LOG.warn("etcd compacted revision {} before the watch read it; listing again", compactedRevision);
                synced = false;
                resync(Duration.ZERO);
            }

            @Override
            public void onFailed(Throwable cause) {
                LOG.warn("the etcd watch failed ({}); listing again", cause.getMessage());
                synced = false;
                resync(Duration.ofMillis(200));
            }
        });
    }

    /** Tells the hub and the event log about a change the index has taken. */
    private void publish(StoreEvent event, Optional<String> problem) {
        switch (event) {
            case StoreEvent.LeasePut put -> {
                StoredLease lease = index.shared(put.lease());
                events.put(lease, put.created());
                hub.added(lease, put.created());
            }
            case StoreEvent.LeaseDeleted deleted -> {
                String reason = events.removed(deleted.subnet(), deleted.previous(), deleted.revision());
                hub.removed(deleted.subnet(), deleted.previous(), reason, deleted.revision());
            }
            case StoreEvent.ConfigPut put -> {
                problem.ifPresentOrElse(
                        invalid -> LOG.error(
                                "the network config written at revision {} is invalid: {}", put.revision(), invalid),
                        () -> LOG.info("network config changed at revision {}", put.revision()));
                hub.advance(put.revision());
            }
            case StoreEvent.ConfigDeleted deleted -> {
                LOG.warn("the network config was deleted at revision {}", deleted.revision());
                hub.advance(deleted.revision());
            }
            case StoreEvent.Skipped skipped -> {
                events.skipped(skipped.key(), skipped.reason());
                hub.advance(skipped.revision());
            }
            // A node's or an address's claim: the index keeps it; watchers never see claims.
            case StoreEvent.ClaimPut claim -> hub.advance(claim.revision());
            case StoreEvent.ClaimDeleted deleted -> hub.advance(deleted.revision());
            case StoreEvent.AddressPut address -> hub.advance(address.revision());
            case StoreEvent.AddressDeleted deleted -> hub.advance(deleted.revision());
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public void close() {
        closed = true;
        closeWatch();
    }

    private void closeWatch() {
        AutoCloseable current = watch;
        if (current != null) {
            try {
                current.close();
            } catch (Exception e) {
                LOG.debug("closing the etcd watch failed", e);
            }
        }
    }
}
