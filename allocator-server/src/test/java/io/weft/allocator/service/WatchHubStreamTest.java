package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.api.v1.WatchLeasesResponse.Type;
import io.weft.config.IpPrefix;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub and its gRPC watchers over a real in-process transport with real flow control: a client
 * that stops reading costs the server a bounded number of bytes and then gets a reset snapshot,
 * not a gap; an idle stream carries PROGRESS messages, a busy one does not need them.
 */
@Timeout(30)
class WatchHubStreamTest {

    private static final long BUFFER_BYTES = 64 * 1024;

    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final WatchHub hub =
            new WatchHub(100_000, new LeaseMessages(new ExpiryTracker()), new SimpleMeterRegistry());
    private Server server;
    private ManagedChannel channel;
    private long revision = 10;

    @BeforeEach
    void setUp() throws Exception {
        hub.reset(List.of(lease(1)), revision);
        // Bound as the server binds it: events go out as the bytes the hub encoded once.
        ServerServiceDefinition service = WatchLeasesBinding.rebind(
                new LeaseServiceGrpc.LeaseServiceImplBase() {}.bindService(), (request, response) -> {
                    GuardedCall<WatchMessage> call = GuardedCall.open(response, "WatchLeases", work);
                    GrpcWatcher watcher = new GrpcWatcher(call, hub, BUFFER_BYTES, request.getStartRevision());
                    call.onEnd(() -> hub.unsubscribe(watcher));
                    call.run(() -> hub.subscribe(request.getStartRevision(), watcher));
                });
        String name = InProcessServerBuilder.generateName();
        server =
                InProcessServerBuilder.forName(name).addService(service).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    @AfterEach
    void tearDown() {
        channel.shutdownNow();
        server.shutdownNow();
        work.shutdownNow();
    }

    private static StoredLease lease(int n) {
        IpPrefix subnet = IpPrefix.parse("10." + (n >> 8 & 255) + "." + (n & 255) + ".0/24");
        return new StoredLease(
                SubnetKey.ipv4Only(subnet),
                new LeaseValue("192.168.0.1", "", "host-gw", null, null, "node-" + n),
                7,
                n);
    }

    private void publishAdded(int n) {
        revision++;
        hub.added(new StoredLease(lease(n).subnet(), lease(n).value(), 7, revision), true);
    }

    @Test
    void aClientThatStopsReadingIsHeldToTheByteBudgetThenGetsAResetSnapshot() {
        Reader reader = new Reader(1);
        LeaseServiceGrpc.newStub(channel).watchLeases(WatchLeasesRequest.getDefaultInstance(), reader);
        await().until(() -> reader.received.size() == 1);
        assertThat(reader.received.getFirst().getType()).isEqualTo(Type.SNAPSHOT);

        // ~100 bytes per event: 3,000 of them are well past the 64 KiB budget.
        for (int n = 2; n <= 3_001; n++) {
            publishAdded(n);
        }
        long last = revision;
        reader.readAll();

        // Until the reset snapshot's last chunk: its chunks may arrive one by one.
        await().until(() ->
                reader.received.stream().anyMatch(m -> m.getType() == Type.SNAPSHOT && m.getReset() && !m.getMore()));
        WatchLeasesResponse reset = reader.received.stream()
                .filter(m -> m.getType() == Type.SNAPSHOT && m.getReset())
                .findFirst()
                .orElseThrow();
        List<WatchLeasesResponse> resetChunks = reader.received.stream()
                .filter(m -> m.getType() == Type.SNAPSHOT && m.getReset())
                .toList();
        assertThat(resetChunks).extracting(m -> m.getLeasesCount()).containsExactly(2000, 1001);
        assertThat(resetChunks.getLast().getMore()).isFalse();
        assertThat(reset.getRevision()).isEqualTo(last);
        long eventsSent =
                reader.received.stream().filter(m -> m.getType() == Type.ADDED).count();
        assertThat(eventsSent).isLessThan(BUFFER_BYTES / 50);
        assertThat(reader.received.stream().filter(m -> m.getType() == Type.ADDED))
                .allMatch(m -> m.getRevision() < reset.getRevision());
    }

    @Test
    void anIdleStreamGetsProgressAndABusyOneDoesNot() {
        Reader reader = new Reader(Integer.MAX_VALUE);
        LeaseServiceGrpc.newStub(channel)
                .watchLeases(
                        WatchLeasesRequest.newBuilder()
                                .setStartRevision(revision)
                                .build(),
                        reader);
        await().until(() -> reader.received.size() == 1);
        assertThat(reader.received.getFirst().getType()).isEqualTo(Type.PROGRESS);
        assertThat(reader.received.getFirst().getRevision()).isEqualTo(10);

        hub.tick();
        await().until(() -> reader.received.size() == 2);
        assertThat(reader.received.get(1).getType()).isEqualTo(Type.PROGRESS);

        publishAdded(2);
        hub.tick();
        hub.advance(20);
        hub.tick();
        await().until(() -> reader.received.size() == 4);
        assertThat(reader.received.subList(2, 4))
                .extracting(WatchLeasesResponse::getType, WatchLeasesResponse::getRevision)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Type.ADDED, 11L),
                        org.assertj.core.groups.Tuple.tuple(Type.PROGRESS, 20L));
    }

    @Test
    void aStartAheadOfTheHubSkipsTheEventsUpToItAndReportsItAsProgress() {
        Reader reader = new Reader(Integer.MAX_VALUE);
        LeaseServiceGrpc.newStub(channel)
                .watchLeases(
                        WatchLeasesRequest.newBuilder().setStartRevision(12).build(), reader);
        await().until(() -> reader.received.size() == 1);
        assertThat(reader.received.getFirst().getType()).isEqualTo(Type.PROGRESS);
        assertThat(reader.received.getFirst().getRevision()).isEqualTo(12);

        publishAdded(2);
        publishAdded(3);
        publishAdded(4);

        await().until(() -> reader.received.size() == 2);
        assertThat(reader.received.get(1).getRevision()).isEqualTo(13);
        assertThat(reader.received.get(1).getLease().getNodeName()).isEqualTo("node-4");
    }

    /** A client that asks for messages only as the test says (manual flow control). */
    private static final class Reader implements ClientResponseObserver<WatchLeasesRequest, WatchLeasesResponse> {
        final List<WatchLeasesResponse> received = new CopyOnWriteArrayList<>();
        private final int initial;
        private volatile ClientCallStreamObserver<WatchLeasesRequest> call;

        Reader(int initial) {
            this.initial = initial;
        }

        @Override
        public void beforeStart(ClientCallStreamObserver<WatchLeasesRequest> requestStream) {
            call = requestStream;
            requestStream.disableAutoRequestWithInitial(initial);
        }

        void readAll() {
            call.request(Integer.MAX_VALUE);
        }

        @Override
        public void onNext(WatchLeasesResponse value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {}

        @Override
        public void onCompleted() {}
    }
}
