package io.weft.bench.child;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Many gRPC WatchLeases streams on one server, each on its own connection as separate nodes
 * would be (or {@code streamsPerChannel} to a connection, so that 10,000 streams need no
 * 10,000 sockets in one process), recording when each ADDED event arrives
 * ({@link System#nanoTime()}, by subnet). Callbacks run on the transport threads and only record
 * a time.
 */
final class WatcherFleet implements AutoCloseable {

    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Map<String, Long>> addedAt = new ArrayList<>();
    private final CountDownLatch snapshots;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicReference<String> firstFailure = new AtomicReference<>();

    WatcherFleet(String host, int port, int watchers) {
        this(host, port, watchers, 1);
    }

    WatcherFleet(String host, int port, int watchers, int streamsPerChannel) {
        snapshots = new CountDownLatch(watchers);
        ManagedChannel channel = null;
        for (int w = 0; w < watchers; w++) {
            if (w % streamsPerChannel == 0) {
                channel = Grpc.newChannelBuilderForAddress(host, port, InsecureChannelCredentials.create())
                        .directExecutor()
                        .build();
                channels.add(channel);
            }
            Map<String, Long> received = new ConcurrentHashMap<>();
            addedAt.add(received);
            LeaseServiceGrpc.newStub(channel)
                    .watchLeases(WatchLeasesRequest.getDefaultInstance(), new Recorder(received));
        }
    }

    boolean awaitSnapshots(long seconds) throws InterruptedException {
        return snapshots.await(seconds, TimeUnit.SECONDS);
    }

    long snapshotsPending() {
        return snapshots.getCount();
    }

    /** When watcher {@code w} received the ADDED event of each subnet. */
    Map<String, Long> addedAt(int w) {
        return addedAt.get(w);
    }

    int size() {
        return addedAt.size();
    }

    int failures() {
        return failures.get();
    }

    String firstFailure() {
        return firstFailure.get();
    }

    @Override
    public void close() {
        channels.forEach(ManagedChannel::shutdownNow);
        try {
            for (ManagedChannel channel : channels) {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Recorder implements StreamObserver<WatchLeasesResponse> {
        private final Map<String, Long> received;
        private boolean snapshotDone;

        Recorder(Map<String, Long> received) {
            this.received = received;
        }

        @Override
        public void onNext(WatchLeasesResponse response) {
            long now = System.nanoTime();
            switch (response.getType()) {
                case ADDED -> received.putIfAbsent(response.getLease().getSubnet(), now);
                case SNAPSHOT -> {
                    if (!response.getMore() && !snapshotDone) {
                        snapshotDone = true;
                        snapshots.countDown();
                    }
                }
                default -> {}
            }
        }

        @Override
        public void onError(Throwable t) {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, t.toString());
        }

        @Override
        public void onCompleted() {
            failures.incrementAndGet();
            firstFailure.compareAndSet(null, "server ended the stream");
        }
    }
}
