package io.weft.allocator.service;

import io.grpc.stub.ServerCallStreamObserver;
import io.weft.api.v1.WatchLeasesResponse;
import java.util.ArrayDeque;

/**
 * One gRPC watcher: messages queue here and flow out as fast as the client reads (gRPC flow
 * control). A client that falls more than queueLimit messages behind is not dropped silently:
 * its queue is replaced by a reset snapshot.
 */
final class GrpcWatcher implements WatchHub.Sink {

    private final ServerCallStreamObserver<WatchLeasesResponse> stream;
    private final WatchHub hub;
    private final int queueLimit;
    private final ArrayDeque<WatchLeasesResponse> queue = new ArrayDeque<>();
    private boolean cancelled;

    GrpcWatcher(ServerCallStreamObserver<WatchLeasesResponse> stream, WatchHub hub, int queueLimit) {
        this.stream = stream;
        this.hub = hub;
        this.queueLimit = queueLimit;
    }

    void start(long startRevision) {
        stream.setOnCancelHandler(() -> {
            synchronized (this) {
                cancelled = true;
                queue.clear();
            }
            hub.unsubscribe(this);
        });
        stream.setOnReadyHandler(this::drain);
        hub.subscribe(startRevision, this);
    }

    @Override
    public void send(WatchLeasesResponse message) {
        synchronized (this) {
            if (cancelled) {
                return;
            }
            queue.addLast(message);
            if (queue.size() > queueLimit) {
                queue.clear();
                queue.addAll(hub.resetSnapshot());
            }
        }
        drain();
    }

    private synchronized void drain() {
        while (!cancelled && stream.isReady() && !queue.isEmpty()) {
            stream.onNext(queue.pollFirst());
        }
    }
}
