package io.weft.allocator.service;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.api.v1.WatchLeasesResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * Fans the server's one etcd watch out to any number of gRPC watchers. It keeps the lease set
 * exactly as of the last event it saw (for snapshots) and a bounded history of recent events,
 * so a client that resumes from a revision in that history gets every event after it; an
 * older revision (or one from before this server's last re-list) gets a reset snapshot.
 *
 * <p>Thread-safe. Events must be published in revision order (the watch's order).
 */
public final class WatchHub {

    /** Receives one watcher's messages; offer never blocks. */
    public interface Sink {
        void send(WatchLeasesResponse message);
    }

    /** Leases per SNAPSHOT message, to stay well under gRPC's 4 MiB default message limit. */
    static final int SNAPSHOT_CHUNK = 2000;

    private final int historyLimit;
    private final LeaseMessages messages;
    private final TreeMap<SubnetKey, StoredLease> view = new TreeMap<>();
    private final ArrayDeque<WatchLeasesResponse> history = new ArrayDeque<>();
    private final Set<Sink> sinks = new CopyOnWriteArraySet<>();
    private long revision;
    /** The oldest start revision this hub can serve without a reset. */
    private long servableFrom;

    WatchHub(int historyLimit, LeaseMessages messages, MeterRegistry registry) {
        this.historyLimit = historyLimit;
        this.messages = messages;
        Gauge.builder("weft_watchers", sinks, Set::size).description("gRPC lease watchers attached")
                .register(registry);
    }

    /** Replaces the view (after a start-up list or a re-list) and resets every watcher. */
    public synchronized void reset(List<StoredLease> leases, long atRevision) {
        boolean first = revision == 0;
        view.clear();
        leases.forEach(lease -> view.put(lease.subnet(), lease));
        history.clear();
        revision = atRevision;
        servableFrom = atRevision;
        if (!first) {
            List<WatchLeasesResponse> snapshot = snapshot(true);
            sinks.forEach(sink -> snapshot.forEach(sink::send));
        }
    }

    synchronized void added(StoredLease lease, boolean created) {
        view.put(lease.subnet(), lease);
        publish(WatchLeasesResponse.newBuilder()
                .setType(created ? WatchLeasesResponse.Type.ADDED : WatchLeasesResponse.Type.MODIFIED)
                .setRevision(lease.modRevision())
                .setLease(messages.toMessage(lease, lease.modRevision()))
                .build());
    }

    synchronized void removed(SubnetKey subnet, StoredLease previous, String reason, long atRevision) {
        StoredLease last = view.remove(subnet);
        StoredLease shown = last != null ? last : previous;
        WatchLeasesResponse.Builder event = WatchLeasesResponse.newBuilder()
                .setType(WatchLeasesResponse.Type.REMOVED)
                .setRevision(atRevision)
                .setReason(reason);
        if (shown != null) {
            event.setLease(messages.toMessage(shown, atRevision));
        } else {
            event.getLeaseBuilder().setSubnet(subnet.ipv4() == null ? "" : subnet.ipv4().toString())
                    .setIpv6Subnet(subnet.ipv6() == null ? "" : subnet.ipv6().toString());
        }
        publish(event.build());
    }

    /** Notes that the watch has reached this revision with no lease change (e.g. a config put). */
    synchronized void advance(long atRevision) {
        revision = Math.max(revision, atRevision);
    }

    /**
     * Attaches a watcher. startRevision 0 gets a snapshot; a revision this hub can serve gets
     * the events after it; any other gets a snapshot marked reset.
     */
    public synchronized void subscribe(long startRevision, Sink sink) {
        if (startRevision == 0) {
            snapshot(false).forEach(sink::send);
        } else if (startRevision < servableFrom) {
            snapshot(true).forEach(sink::send);
        } else {
            for (WatchLeasesResponse event : history) {
                if (event.getRevision() > startRevision) {
                    sink.send(event);
                }
            }
        }
        sinks.add(sink);
    }

    public void unsubscribe(Sink sink) {
        sinks.remove(sink);
    }

    /** A fresh snapshot (in chunks) for one watcher that fell behind. */
    public synchronized List<WatchLeasesResponse> resetSnapshot() {
        return snapshot(true);
    }

    public synchronized long revision() {
        return revision;
    }

    private void publish(WatchLeasesResponse event) {
        revision = Math.max(revision, event.getRevision());
        history.addLast(event);
        while (history.size() > historyLimit) {
            WatchLeasesResponse dropped = history.removeFirst();
            servableFrom = Math.max(servableFrom, dropped.getRevision());
        }
        sinks.forEach(sink -> sink.send(event));
    }

    private List<WatchLeasesResponse> snapshot(boolean reset) {
        List<WatchLeasesResponse> chunks = new ArrayList<>();
        WatchLeasesResponse.Builder chunk = newSnapshotChunk(reset);
        for (StoredLease lease : view.values()) {
            if (chunk.getLeasesCount() == SNAPSHOT_CHUNK) {
                chunks.add(chunk.setMore(true).build());
                chunk = newSnapshotChunk(reset);
            }
            chunk.addLeases(messages.toMessage(lease, revision));
        }
        chunks.add(chunk.build());
        return chunks;
    }

    private WatchLeasesResponse.Builder newSnapshotChunk(boolean reset) {
        return WatchLeasesResponse.newBuilder()
                .setType(WatchLeasesResponse.Type.SNAPSHOT)
                .setRevision(revision)
                .setReset(reset);
    }
}
