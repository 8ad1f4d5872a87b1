package io.weft.allocator.map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.allocator.service.SnapshotSource;
import io.weft.allocator.service.WatchHub;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.http.EventSink;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * One browser's live feed: the watch hub's snapshot and events, turned into server-sent events
 * on a thread of its own (the hub's lock is only held to queue them), in the hub's order.
 *
 * <ul>
 *   <li>{@code snapshot}: {@code {"revision", "reset", "more", "leases": [lease...]}}; chunks
 *       with {@code more} true are followed by the rest of the same snapshot, which replaces
 *       everything the page had.
 *   <li>{@code change}: {@code {"type": "added"|"modified"|"removed", "revision", "reason",
 *       "lease"}}; reason ("released", "expired", "deleted") only for removals.
 *   <li>{@code progress}: {@code {"revision"}} while nothing changes.
 * </ul>
 *
 * See {@link LeaseMapJson} for a lease.
 */
final class LeaseMapWatcher implements WatchHub.Sink, AutoCloseable {

    private final EventSink sink;
    private final WatchHub hub;
    private final Supplier<LeaseMapJson> json;
    private final ExecutorService sending = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("weft-map-feed").factory());

    LeaseMapWatcher(EventSink sink, WatchHub hub, Supplier<LeaseMapJson> json) {
        this.sink = sink;
        this.hub = hub;
        this.json = json;
    }

    /** Subscribes to the hub: the snapshot goes out first. */
    LeaseMapWatcher start() {
        hub.subscribe(0, this);
        return this;
    }

    @Override
    public void send(WatchLeasesResponse event) {
        queue(() -> {
            JsonObject change = new JsonObject()
                    .put("type", event.getType().name().toLowerCase(Locale.ROOT))
                    .put("revision", event.getRevision())
                    .put("lease", json.get().lease(event.getLease()));
            if (!event.getReason().isEmpty()) {
                change.put("reason", event.getReason());
            }
            deliver("change", change);
        });
    }

    @Override
    public void sendSnapshot(SnapshotSource snapshot) {
        queue(() -> {
            LeaseMapJson leases = json.get();
            for (int chunk = 0; chunk < snapshot.chunkCount(); chunk++) {
                WatchLeasesResponse message = snapshot.chunk(chunk);
                JsonArray list = new JsonArray();
                for (Lease lease : message.getLeasesList()) {
                    list.add(leases.lease(lease));
                }
                boolean sent = deliver(
                        "snapshot",
                        new JsonObject()
                                .put("revision", message.getRevision())
                                .put("reset", message.getReset())
                                .put("more", message.getMore())
                                .put("leases", list));
                if (!sent) {
                    return;
                }
            }
        });
    }

    @Override
    public void progress(long revision, boolean force) {
        queue(() -> deliver("progress", new JsonObject().put("revision", revision)));
    }

    private void queue(Runnable task) {
        try {
            sending.execute(task);
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // The browser has gone; the hub drops this watcher when close() runs.
        }
    }

    private boolean deliver(String event, JsonObject data) {
        if (sink.send(event, data.encode())) {
            return true;
        }
        close();
        return false;
    }

    @Override
    public void close() {
        hub.unsubscribe(this);
        sending.shutdownNow();
    }
}
