package io.weft.bench.lab;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.client.ServerAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;

/**
 * Many WatchLeases streams, one connection each as separate nodes would have, that remember
 * the last revision they saw and resume from it on another server, as the client library does
 * after a replica restart. Each counts the messages and serialized bytes it receives from the
 * latest {@link #resumeAt} on.
 */
public final class ResumingWatchers implements AutoCloseable {

    private final List<Watcher> watchers = new ArrayList<>();

    public ResumingWatchers(int count) {
        for (int i = 0; i < count; i++) {
            watchers.add(new Watcher());
        }
    }

    /** Opens every stream from revision 0 (a snapshot). */
    public void start(ServerAddress server) {
        watchers.forEach(w -> w.open(server, 0));
    }

    /**
     * Drops every stream and opens it again on this server from the last revision it saw, from
     * a few threads at once (nodes reconnect in parallel); answers the time that took, in ms.
     */
    public double resumeAt(ServerAddress server) {
        long started = System.nanoTime();
        watchers.parallelStream().forEach(w -> w.open(server, w.revision.get()));
        return (System.nanoTime() - started) / 1e6;
    }

    /**
     * Each watcher notes when it first sees this revision (or a later one) from now on; read the
     * times with {@link #millisToReach}.
     */
    public void expect(long revision) {
        watchers.forEach(w -> w.expect(revision));
    }

    /**
     * Per watcher, ms from {@code sinceNanos} ({@link System#nanoTime}) until it saw the revision
     * last {@link #expect expected}, sorted; watchers that have not seen it are left out.
     */
    public double[] millisToReach(long sinceNanos) {
        return millisSince(sinceNanos, watchers.stream().mapToLong(w -> w.reachedAt));
    }

    /** Per watcher, ms from {@code sinceNanos} until its first message after the last {@link #expect}, sorted. */
    public double[] millisToFirstMessage(long sinceNanos) {
        return millisSince(sinceNanos, watchers.stream().mapToLong(w -> w.firstAt));
    }

    private static double[] millisSince(long sinceNanos, LongStream times) {
        return times.filter(at -> at != 0)
                .mapToDouble(at -> (at - sinceNanos) / 1e6)
                .sorted()
                .toArray();
    }

    /** Waits until every watcher has seen revision {@code target}; false on timeout. */
    public boolean awaitRevision(long target, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (System.nanoTime() < deadline) {
            if (watchers.stream().allMatch(w -> w.revision.get() >= target)) {
                return true;
            }
            Thread.sleep(5);
        }
        return false;
    }

    public long bytes() {
        return watchers.stream().mapToLong(w -> w.bytes.get()).sum();
    }

    public long messages() {
        return watchers.stream().mapToLong(w -> w.messages.get()).sum();
    }

    /** Lease entries received (one per event, one per lease in snapshot chunks). */
    public long leaseEntries() {
        return watchers.stream().mapToLong(w -> w.leases.get()).sum();
    }

    public long resets() {
        return watchers.stream().mapToLong(w -> w.resets.get()).sum();
    }

    public int size() {
        return watchers.size();
    }

    @Override
    public void close() {
        watchers.forEach(Watcher::close);
    }

    private static final class Watcher implements StreamObserver<WatchLeasesResponse> {
        final AtomicLong revision = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        final AtomicLong messages = new AtomicLong();
        final AtomicLong leases = new AtomicLong();
        final AtomicLong resets = new AtomicLong();
        private volatile long expected = Long.MAX_VALUE;
        volatile long reachedAt;
        volatile long firstAt;
        private ManagedChannel channel;
        private boolean snapshotOpen;

        synchronized void open(ServerAddress server, long from) {
            close();
            bytes.set(0);
            messages.set(0);
            leases.set(0);
            resets.set(0);
            snapshotOpen = false;
            channel = Grpc.newChannelBuilderForAddress(
                            server.host(), server.port(), InsecureChannelCredentials.create())
                    .directExecutor()
                    .build();
            LeaseServiceGrpc.newStub(channel)
                    .watchLeases(
                            WatchLeasesRequest.newBuilder()
                                    .setStartRevision(from)
                                    .build(),
                            this);
        }

        @Override
        public void onNext(WatchLeasesResponse response) {
            if (firstAt == 0) {
                firstAt = System.nanoTime();
            }
            bytes.addAndGet(response.getSerializedSize());
            messages.incrementAndGet();
            switch (response.getType()) {
                case SNAPSHOT -> {
                    leases.addAndGet(response.getLeasesCount());
                    if (response.getReset() && !snapshotOpen) {
                        resets.incrementAndGet();
                    }
                    snapshotOpen = response.getMore();
                    if (!response.getMore()) {
                        advance(response.getRevision());
                    }
                }
                case ADDED, MODIFIED, REMOVED -> {
                    leases.incrementAndGet();
                    advance(response.getRevision());
                }
                case PROGRESS -> advance(response.getRevision());
                default -> {}
            }
        }

        void expect(long target) {
            reachedAt = 0;
            firstAt = 0;
            expected = target;
        }

        private void advance(long to) {
            long now = revision.accumulateAndGet(to, Math::max);
            if (now >= expected && reachedAt == 0) {
                reachedAt = System.nanoTime();
            }
        }

        @Override
        public void onError(Throwable t) {
            // the server went away: the figure resumes every watcher once the next one is ready
        }

        @Override
        public void onCompleted() {}

        synchronized void close() {
            if (channel != null) {
                channel.shutdownNow();
                channel = null;
            }
        }
    }
}
