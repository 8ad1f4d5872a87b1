package io.weft.allocator.service;

import io.weft.api.v1.WatchLeasesResponse;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One gRPC watcher: messages queue here and flow out as fast as the client reads (gRPC flow
 * control). The queue is bounded in serialized bytes: a client that falls further behind is not
 * dropped silently, its queue is replaced by a reset snapshot, taken when it is its turn to be
 * sent and built chunk by chunk as the client reads, never under the hub's lock.
 *
 * <p>Events at or below {@code skipThrough} are dropped: the client already has them (it
 * resumed from a revision ahead of this server's view, or a snapshot covered them).
 *
 * <p>The hub calls the Sink methods under its lock; they only queue. Sending runs as call work
 * of the {@link GuardedCall}, one drain at a time.
 */
final class GrpcWatcher implements WatchHub.Sink {

    /** A queued snapshot, sent chunk by chunk; null source: take a fresh reset snapshot first. */
    private static final class PendingSnapshot {
        SnapshotSource source;
        int next;
    }

    private final GuardedCall<WatchMessage> call;
    private final WatchHub hub;
    private final long bufferBytes;
    private final ArrayDeque<Object> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long skipThrough;
    private boolean sentSinceTick;
    private final AtomicBoolean drainQueued = new AtomicBoolean();

    GrpcWatcher(GuardedCall<WatchMessage> call, WatchHub hub, long bufferBytes, long skipThrough) {
        this.call = call;
        this.hub = hub;
        this.bufferBytes = bufferBytes;
        this.skipThrough = skipThrough;
        call.onReady(this::drain);
    }

    @Override
    public void send(WatchLeasesResponse event) {
        send(WatchMessage.of(event));
    }

    /** Queues the event's bytes as encoded once by the hub for every watcher. */
    @Override
    public void send(WatchMessage event) {
        synchronized (this) {
            sentSinceTick = true;
            int size = event.size();
            if (queuedBytes + size > bufferBytes) {
                // Too far behind: whatever is queued is folded into one fresh snapshot.
                clearQueue();
                queue.addLast(new PendingSnapshot());
                return;
            }
            queue.addLast(event);
            queuedBytes += size;
        }
        requestDrain();
    }

    @Override
    public void sendSnapshot(SnapshotSource snapshot) {
        synchronized (this) {
            sentSinceTick = true;
            // A snapshot replaces the state: whatever is still queued before it is moot.
            clearQueue();
            PendingSnapshot pending = new PendingSnapshot();
            pending.source = snapshot;
            queue.addLast(pending);
        }
        requestDrain();
    }

    @Override
    public void progress(long revision, boolean force) {
        synchronized (this) {
            boolean idle = !sentSinceTick;
            sentSinceTick = false;
            if (!force && !idle) {
                return;
            }
            WatchMessage progress = WatchMessage.of(WatchLeasesResponse.newBuilder()
                    .setType(WatchLeasesResponse.Type.PROGRESS)
                    .setRevision(Math.max(revision, skipThrough))
                    .build());
            queue.addLast(progress);
            queuedBytes += progress.size();
        }
        requestDrain();
    }

    /** One drain queued at a time, however many messages arrive meanwhile. */
    private void requestDrain() {
        if (drainQueued.compareAndSet(false, true)) {
            call.run(this::drain);
        }
    }

    /** Sends what the client can take now. Runs as call work only. */
    private void drain() {
        drainQueued.set(false);
        while (call.isReady()) {
            WatchMessage next = nextMessage();
            if (next == null) {
                return;
            }
            call.send(next);
        }
    }

    private WatchMessage nextMessage() {
        PendingSnapshot pending;
        int index;
        synchronized (this) {
            while (true) {
                Object head = queue.peekFirst();
                if (head == null) {
                    return null;
                }
                if (head instanceof PendingSnapshot snapshot) {
                    pending = snapshot;
                    index = pending.next++;
                    break;
                }
                queue.pollFirst();
                WatchMessage message = (WatchMessage) head;
                queuedBytes -= message.size();
                boolean event = message.type() != WatchLeasesResponse.Type.PROGRESS;
                if (!event || message.revision() > skipThrough) {
                    return message;
                }
            }
        }
        if (pending.source == null) {
            // Taken now, outside this watcher's lock (the hub locks its own): it covers every
            // event queued behind it up to its revision.
            pending.source = hub.resetSnapshot();
        }
        WatchMessage chunk = WatchMessage.of(pending.source.chunk(index));
        synchronized (this) {
            skipThrough = Math.max(skipThrough, pending.source.revision());
            if (pending.next >= pending.source.chunkCount() && queue.peekFirst() == pending) {
                queue.pollFirst();
            }
        }
        return chunk;
    }

    /** Drops the queue once the call has ended. */
    synchronized void clear() {
        queue.clear();
        queuedBytes = 0;
    }

    /**
     * Empties the queue, except a snapshot whose first chunks are already sent: the client
     * applies chunks together, so that one is finished before anything else.
     */
    private void clearQueue() {
        Object head = queue.peekFirst();
        queue.clear();
        queuedBytes = 0;
        if (head instanceof PendingSnapshot inFlight && inFlight.next > 0) {
            queue.addLast(inFlight);
        }
    }
}
