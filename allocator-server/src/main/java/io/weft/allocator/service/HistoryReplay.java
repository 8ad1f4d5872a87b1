package io.weft.allocator.service;

import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.StoreEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets watchers resume from revisions older than the hub's history (a replica that just
 * started has none) without a reset snapshot, while etcd still holds those revisions: the
 * hub's history is extended backwards from etcd's, once for many watchers. A storm of
 * resuming watchers costs one etcd read for the oldest revision asked while none runs, and one
 * more for those that arrive during it asking for older ones, however many they are.
 *
 * <p>Any failure (etcd compacted the revision, more changes than the hub's history holds, etcd
 * unreachable) only means the watcher gets the reset snapshot it would have got anyway.
 *
 * <p>Thread-safe.
 */
final class HistoryReplay {

    private static final Logger LOG = LoggerFactory.getLogger(HistoryReplay.class);
    /** Longest wait for one read of etcd's history; a watcher waits no longer before its reset. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private static final CompletableFuture<Void> NOTHING_TO_READ = CompletableFuture.completedFuture(null);

    /** One read of etcd's history back to the oldest revision asked for. */
    private static final class Read {
        long fromRevision = Long.MAX_VALUE;
        final CompletableFuture<Void> done = new CompletableFuture<>();
    }

    private final WatchHub hub;
    private final LeaseStore store;
    private final LeaseMessages messages;
    private final int maxEvents;
    private final boolean enabled;
    private Read running;
    private Read next;

    /**
     * @param maxEvents changes (of any key under the prefix) one read may hold before it gives up
     * @param enabled   false: never read etcd, older revisions get a reset snapshot
     */
    HistoryReplay(WatchHub hub, LeaseStore store, LeaseMessages messages, int maxEvents, boolean enabled) {
        this.hub = hub;
        this.store = store;
        this.messages = messages;
        this.maxEvents = maxEvents;
        this.enabled = enabled;
    }

    /**
     * Completes, never exceptionally, once the hub's history reaches back to startRevision, or
     * could not be made to: subscribing then gives events or the reset snapshot.
     */
    synchronized CompletableFuture<Void> reachBack(long startRevision) {
        if (!enabled || startRevision == 0 || startRevision >= hub.servableFrom()) {
            return NOTHING_TO_READ;
        }
        if (running != null && startRevision >= running.fromRevision) {
            return running.done;
        }
        if (next == null) {
            next = new Read();
        }
        next.fromRevision = Math.min(next.fromRevision, startRevision);
        CompletableFuture<Void> done = next.done;
        if (running == null) {
            startNext();
        }
        return done;
    }

    /** Runs under this object's lock. */
    private void startNext() {
        Read read = next;
        next = null;
        running = read;
        long through = hub.servableFrom();
        store.history(read.fromRevision, through, maxEvents)
                .orTimeout(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((events, error) -> finish(read, through, events, error));
    }

    private void finish(Read read, long through, List<StoreEvent> events, Throwable error) {
        try {
            if (error != null) {
                LOG.warn(
                        "cannot replay etcd's history after revision {} for resuming watchers ({});"
                                + " they get a snapshot",
                        read.fromRevision,
                        describe(error));
            } else {
                List<WatchMessage> older = leaseEvents(events);
                if (hub.prepend(older, read.fromRevision, through)) {
                    LOG.info(
                            "replayed {} lease changes from etcd's history (revisions {} to {}) for resuming watchers",
                            older.size(),
                            read.fromRevision + 1,
                            through);
                } else {
                    LOG.warn(
                            "etcd's history after revision {} does not fit this server's watch history;"
                                    + " resuming watchers get a snapshot",
                            read.fromRevision);
                }
            }
        } catch (RuntimeException e) {
            LOG.error("replaying etcd's history after revision {} failed", read.fromRevision, e);
        } finally {
            read.done.complete(null);
            synchronized (this) {
                running = null;
                if (next != null) {
                    startNext();
                }
            }
        }
    }

    private static String describe(Throwable error) {
        Throwable cause = LeaseOperations.unwrap(error);
        return cause.getMessage() != null
                ? cause.getMessage()
                : cause.getClass().getSimpleName();
    }

    /** The watch events the live path would have published for these changes. */
    private List<WatchMessage> leaseEvents(List<StoreEvent> events) {
        List<WatchMessage> out = new ArrayList<>();
        for (StoreEvent event : events) {
            switch (event) {
                case StoreEvent.LeasePut put -> out.add(WatchMessage.of(messages.putEvent(put.lease(), put.created())));
                case StoreEvent.LeaseDeleted deleted ->
                    out.add(WatchMessage.of(messages.removedEvent(
                            deleted.subnet(),
                            deleted.previous(),
                            LeaseEventLog.reasonSeenFromOutside(deleted.previous()),
                            deleted.revision())));
                default -> {} // config, claims and skipped keys: watchers never see them
            }
        }
        return out;
    }
}
