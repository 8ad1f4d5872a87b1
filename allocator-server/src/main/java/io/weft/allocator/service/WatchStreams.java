package io.weft.allocator.service;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weft.allocator.security.CallerIdentity;
import io.weft.allocator.store.LeaseStore;
import io.weft.api.v1.WatchLeasesRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/**
 * WatchLeases calls: each start revision checked, admitted under the watch limits, and attached
 * to the hub as a {@link GrpcWatcher}. Every answer (stream or status) goes through a
 * {@link GuardedCall}, so no start revision is left without one.
 */
final class WatchStreams {

    /** How long a WatchLeases ahead of this server's view waits for etcd's current revision. */
    static final Duration HEAD_CHECK_TIMEOUT = Duration.ofSeconds(1);

    private final WatchHub hub;
    private final LeaseStore store;
    private final WatchSettings settings;
    private final WatcherLimits watcherLimits;
    private final HistoryReplay replay;
    private final Executor streamWork;
    private final BooleanSupplier synced;

    /** @param synced whether the server has loaded etcd's state (before that, calls are refused) */
    WatchStreams(
            WatchHub hub,
            HistoryReplay replay,
            LeaseStore store,
            WatchSettings settings,
            Executor streamWork,
            BooleanSupplier synced) {
        this.hub = hub;
        this.synced = synced;
        this.replay = replay;
        this.store = store;
        this.settings = settings;
        this.watcherLimits = new WatcherLimits(settings.maxWatchers(), settings.maxWatchersPerIdentity());
        this.streamWork = streamWork;
    }

    /** Serves one WatchLeases call; must run inside the service method. */
    void open(WatchLeasesRequest request, StreamObserver<WatchMessage> response) {
        GuardedCall<WatchMessage> call = GuardedCall.open(response, "WatchLeases", streamWork);
        // The identity lives in the gRPC context of this thread: read it before handing over.
        String identity = Objects.requireNonNullElse(CallerIdentity.KEY.get(), "");
        call.run(() -> {
            long start = request.getStartRevision();
            if (start < 0) {
                throw FieldCheck.invalid(
                        "start_revision",
                        start + " is negative; use 0 for a snapshot or a revision from an earlier response");
            }
            if (call.ended()) {
                return;
            }
            if (!synced.getAsBoolean()) {
                // A watcher attached now would be told of the lease set only as a reset once it
                // is loaded; retried in a moment, a resumed one gets the events it missed.
                throw Status.UNAVAILABLE
                        .withDescription("this server has not loaded etcd's state yet; retry")
                        .asRuntimeException();
            }
            watcherLimits.admit(identity);
            GrpcWatcher watcher = new GrpcWatcher(call, hub, settings.watcherBufferBytes(), start);
            call.onEnd(() -> {
                hub.unsubscribe(watcher);
                watcher.clear();
                watcherLimits.release(identity);
            });
            if (start <= hub.revision()) {
                // Older than the hub's history: etcd's is read first (shared with other watchers
                // resuming meanwhile); the hub then serves events, or a reset if that failed.
                call.after(replay.reachBack(start), (ignored, error) -> {
                    if (!call.ended()) {
                        hub.subscribe(start, watcher);
                    }
                });
                return;
            }
            // Ahead of this server's view: another replica saw more of etcd, or writes outside the
            // prefix moved etcd's head. Served once etcd confirms it has reached that revision; a
            // revision etcd has not reached would skip the events in between, so it is refused.
            call.after(
                    store.currentRevision().orTimeout(HEAD_CHECK_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS),
                    (current, error) -> {
                        if (error != null) {
                            throw Status.UNAVAILABLE
                                    .withDescription("cannot check start_revision " + start
                                            + " against etcd's current revision: " + describe(error) + "; retry")
                                    .asRuntimeException();
                        }
                        if (start > current) {
                            throw FieldCheck.invalid(
                                    "start_revision",
                                    start + " is ahead of etcd's current revision " + current
                                            + "; use a revision from an earlier response, or 0");
                        }
                        if (!call.ended()) {
                            hub.subscribe(start, watcher);
                        }
                    });
        });
    }

    private static String describe(Throwable error) {
        Throwable cause = LeaseOperations.unwrap(error);
        return cause instanceof TimeoutException
                ? "no answer within " + HEAD_CHECK_TIMEOUT.toMillis() + " ms"
                : String.valueOf(cause.getMessage());
    }
}
