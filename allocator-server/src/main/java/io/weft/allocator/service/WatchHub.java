package io.weft.allocator.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.api.v1.WatchLeasesResponse;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Fans the server's one etcd watch out to any number of gRPC watchers. It keeps the lease set
 * exactly as of the last event it saw (for snapshots) and a bounded history of recent events,
 * so a client that resumes from a revision in that history gets every event after it; an
 * older revision (or one from before this server's last re-list) gets a reset snapshot, unless
 * the history was first extended backwards from etcd's ({@link #prepend}, by
 * {@link HistoryReplay}).
 *
 * <p>Thread-safe. Events must be published in revision order (the watch's order). Each event is
 * encoded once, under the lock, and the same bytes go to every watcher; sinks only queue, and
 * each gRPC watcher writes on its own call's work, so no loop over watchers writes to the
 * transport. Snapshots leave the lock as a list of references; their messages are built later.
 */
public final class WatchHub {

    /**
     * Receives one watcher's messages, called under the hub's lock in revision order. Every
     * method must return at once (queue, never send or block).
     */
    public interface Sink {
        /** An ADDED, MODIFIED or REMOVED event. */
        void send(WatchLeasesResponse event);

        /**
         * The same event with its wire bytes, encoded once for every sink; the hub calls this
         * one. A sink that writes gRPC streams sends the bytes as they are.
         */
        default void send(WatchMessage event) {
            send(event.message());
        }

        /** A snapshot that replaces everything sent before it. */
        void sendSnapshot(SnapshotSource snapshot);

        /**
         * The hub has reached this revision and the sink has been given every event up to it.
         * force: report it now (a resumed stream opening); otherwise only if the sink has been
         * sent nothing since the last call.
         */
        void progress(long revision, boolean force);
    }

    private final int historyLimit;
    private final LeaseMessages messages;
    private final TreeMap<SubnetKey, StoredLease> view = new TreeMap<>();
    private final ArrayDeque<WatchMessage> history = new ArrayDeque<>();
    private final Set<Sink> sinks = new CopyOnWriteArraySet<>();
    private long revision;
    /** The oldest start revision this hub can serve without a reset. */
    private long servableFrom;

    private final Counter resets;

    WatchHub(int historyLimit, LeaseMessages messages, MeterRegistry registry) {
        this.historyLimit = historyLimit;
        this.messages = messages;
        Gauge.builder("weft_watchers", sinks, Set::size)
                .description("gRPC lease watchers attached")
                .register(registry);
        this.resets = Counter.builder("weft_watch_resets")
                .description("Reset snapshots sent to watchers: resumed from a revision too old to replay, fell"
                        + " behind, or this server listed etcd again")
                .register(registry);
    }

    /**
     * Replaces the view (after a start-up list or a re-list) and resets every watcher attached.
     * That includes the start-up list: a watcher attached before it was told nothing of the
     * changes the list folds in, and would otherwise never hear of them.
     */
    public synchronized void reset(List<StoredLease> leases, long atRevision) {
        view.clear();
        leases.forEach(lease -> view.put(lease.subnet(), lease));
        history.clear();
        revision = atRevision;
        servableFrom = atRevision;
        if (!sinks.isEmpty()) {
            SnapshotSource snapshot = snapshot(true);
            resets.increment(sinks.size());
            sinks.forEach(sink -> sink.sendSnapshot(snapshot));
        }
    }

    synchronized void added(StoredLease lease, boolean created) {
        view.put(lease.subnet(), lease);
        publish(WatchMessage.of(messages.putEvent(lease, created)));
    }

    synchronized void removed(SubnetKey subnet, StoredLease previous, String reason, long atRevision) {
        StoredLease last = view.remove(subnet);
        publish(WatchMessage.of(messages.removedEvent(subnet, last != null ? last : previous, reason, atRevision)));
    }

    /**
     * Runs the publications of one revision's changes under the hub's lock, so that no watcher
     * subscribes, and no progress message reports the revision, between two of them: a client
     * holding revision R as its last has every change at R.
     */
    synchronized void together(Runnable publications) {
        publications.run();
    }

    /** Notes that the watch has reached this revision with no lease change (e.g. a config put). */
    synchronized void advance(long atRevision) {
        revision = Math.max(revision, atRevision);
    }

    /**
     * Attaches a watcher. startRevision 0 gets a snapshot; a revision older than this hub can
     * serve gets a snapshot marked reset; any other gets the events after it, then a PROGRESS
     * message. A revision ahead of the hub (another replica saw more of etcd; the caller has
     * checked that etcd has reached it) gets the PROGRESS message at once and then the events
     * after it as the hub reaches them: those up to it are the watcher's to drop.
     */
    public synchronized void subscribe(long startRevision, Sink sink) {
        if (startRevision == 0) {
            sink.sendSnapshot(snapshot(false));
        } else if (startRevision < servableFrom) {
            resets.increment();
            sink.sendSnapshot(snapshot(true));
        } else {
            for (WatchMessage event : history) {
                if (event.revision() > startRevision) {
                    sink.send(event);
                }
            }
            sink.progress(Math.max(revision, startRevision), true);
        }
        sinks.add(sink);
    }

    /** The oldest start revision this hub serves without a reset (older: see {@link #prepend}). */
    public synchronized long servableFrom() {
        return servableFrom;
    }

    /**
     * Extends the history backwards with the lease events after fromRevision up to and
     * including throughRevision, in revision order (read from etcd's history), so watchers
     * resuming from fromRevision or later get events, not a reset. Refused (false) unless they
     * join the history without a gap (throughRevision is still where it starts) and fit in it
     * with what it holds now; older events are the first dropped as new ones arrive.
     */
    synchronized boolean prepend(List<WatchMessage> older, long fromRevision, long throughRevision) {
        if (throughRevision != servableFrom
                || fromRevision >= servableFrom
                || history.size() + older.size() > historyLimit) {
            return false;
        }
        for (int i = older.size() - 1; i >= 0; i--) {
            history.addFirst(older.get(i));
        }
        servableFrom = fromRevision;
        return true;
    }

    public void unsubscribe(Sink sink) {
        sinks.remove(sink);
    }

    /** A fresh snapshot for one watcher that fell behind; its messages are built by the caller. */
    synchronized SnapshotSource resetSnapshot() {
        resets.increment();
        return snapshot(true);
    }

    /** Tells every watcher idle since the last tick how far the hub has got (PROGRESS). */
    public synchronized void tick() {
        sinks.forEach(sink -> sink.progress(revision, false));
    }

    public synchronized long revision() {
        return revision;
    }

    private void publish(WatchMessage event) {
        revision = Math.max(revision, event.revision());
        history.addLast(event);
        // One etcd transaction's events share a revision: they leave together, so every event
        // kept is after servableFrom and a watcher resuming from it misses none of them.
        while (history.size() > historyLimit
                || (!history.isEmpty() && history.peekFirst().revision() <= servableFrom)) {
            WatchMessage dropped = history.removeFirst();
            servableFrom = Math.max(servableFrom, dropped.revision());
        }
        sinks.forEach(sink -> sink.send(event));
    }

    /** O(leases) reference copies under the lock; the messages are built outside it. */
    private SnapshotSource snapshot(boolean reset) {
        return new SnapshotSource(List.copyOf(view.values()), revision, reset, messages);
    }
}
