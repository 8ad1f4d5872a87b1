package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ListLeasesResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** WeftClient's retry, failover and deadline rules, over the in-process transport. */
@Timeout(30)
class WeftClientTest {

    /** Short waits: the retries here sleep for real, but only milliseconds. */
    private static final RetryPolicy QUICK_RETRIES =
            new RetryPolicy(3, new Backoff(Duration.ofMillis(1), 2.0, Duration.ofMillis(4), 0.0));

    private static final Lease LEASE =
            Lease.newBuilder().setSubnet("10.244.1.0/24").setNodeName("node-a").build();

    private final FakeLeaseService server = new FakeLeaseService(Instant::now, Duration.ofHours(24));
    private InProcessServer grpc;
    private WeftClient client;

    @BeforeEach
    void setUp() {
        server.put(LEASE);
        grpc = InProcessServer.start(server);
        client = WeftClient.builder()
                .channel(grpc.channel())
                .retryPolicy(QUICK_RETRIES)
                .build();
    }

    @AfterEach
    void tearDown() {
        client.close();
        grpc.close();
    }

    @Test
    void retriesAReadThatFoundTheServerUnavailable() {
        server.failNext("GetLease", Status.UNAVAILABLE);
        server.failNext("GetLease", Status.UNAVAILABLE);

        assertThat(client.getLeaseBySubnet("10.244.1.0/24")).isEqualTo(LEASE);
        assertThat(server.calls("GetLease")).isEqualTo(3);
    }

    @Test
    void givesUpAfterTheLastAttempt() {
        server.unavailable(true);

        assertThatThrownBy(() -> client.getLeaseByNode("node-a"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
        assertThat(server.calls("GetLease")).isEqualTo(3);
    }

    @Test
    void doesNotRetryOtherErrors() {
        assertThatThrownBy(() -> client.getLeaseBySubnet("10.244.99.0/24"))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(server.calls("GetLease")).isEqualTo(1);
    }

    @Test
    void doesNotRetryReservationChanges() {
        server.failNext("DeleteReservation", Status.UNAVAILABLE);
        server.failNext("CreateReservation", Status.UNAVAILABLE);

        assertThatThrownBy(() -> client.deleteReservation("10.244.1.0/24")).isInstanceOf(StatusRuntimeException.class);
        assertThatThrownBy(() -> client.createReservationAsync(CreateReservationRequest.newBuilder()
                                .setSubnet("10.244.5.0/24")
                                .setNodeName("n")
                                .build())
                        .join())
                .hasCauseInstanceOf(StatusRuntimeException.class);
        assertThat(server.calls("DeleteReservation")).isEqualTo(1);
        assertThat(server.calls("CreateReservation")).isEqualTo(1);
    }

    @Test
    void retriesIdempotentWrites() {
        server.failNext("AcquireLease", Status.UNAVAILABLE);
        server.failNext("RenewLease", Status.UNAVAILABLE);
        server.failNext("ReleaseLease", Status.UNAVAILABLE);

        Lease acquired = client.acquire(
                        AcquireLeaseRequest.newBuilder().setNodeName("node-b").build())
                .getLease();
        Lease renewed = client.renew(acquired.getSubnet(), "node-b");
        long revision = client.release(acquired.getSubnet(), "node-b");

        assertThat(renewed.getSubnet()).isEqualTo(acquired.getSubnet());
        assertThat(revision).isEqualTo(42);
        assertThat(server.calls("AcquireLease")).isEqualTo(2);
        assertThat(server.calls("RenewLease")).isEqualTo(2);
        assertThat(server.calls("ReleaseLease")).isEqualTo(2);
    }

    @Test
    void retriesIdempotentWritesThatRacedAnotherWriteOnTheSameServer() {
        Lease acquired = client.acquire(
                        AcquireLeaseRequest.newBuilder().setNodeName("node-b").build())
                .getLease();
        server.failNext("RenewLease", Status.ABORTED.withDescription("changed while it was being renewed; retry"));
        server.failNext("ReleaseLease", Status.ABORTED.withDescription("changed while it was being released; retry"));

        assertThat(client.renew(acquired.getSubnet(), "node-b").getSubnet()).isEqualTo(acquired.getSubnet());
        assertThat(client.release(acquired.getSubnet(), "node-b")).isEqualTo(42);
        assertThat(server.calls("RenewLease")).isEqualTo(2);
        assertThat(server.calls("ReleaseLease")).isEqualTo(2);
    }

    @Test
    void asyncCallsRetryAndReportTheServersStatus() {
        server.failNext("AcquireLease", Status.UNAVAILABLE);

        Lease acquired = client.acquireAsync(
                        AcquireLeaseRequest.newBuilder().setNodeName("node-b").build())
                .join()
                .getLease();

        assertThat(acquired.getNodeName()).isEqualTo("node-b");
        assertThat(server.calls("AcquireLease")).isEqualTo(2);
        assertThat(client.listLeasesAsync().join().getLeasesList()).hasSize(2);
        assertThatThrownBy(() -> client.getLeaseBySubnetAsync("10.244.99.0/24").join())
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void listsEveryPageAndKeepsTheFirstPagesRevision() {
        for (int i = 0; i < 2 * WeftClient.LIST_PAGE_SIZE + 10; i++) {
            server.put(Lease.newBuilder()
                    .setSubnet(String.format("10.%03d.%03d.0/24", i / 256, i % 256))
                    .setNodeName("node-" + i)
                    .build());
        }
        int expected = 2 * WeftClient.LIST_PAGE_SIZE + 11;

        ListLeasesResponse blocking = client.listLeases();
        ListLeasesResponse async = client.listLeasesAsync().join();

        assertThat(server.calls("ListLeases")).isEqualTo(6);
        assertThat(blocking.getLeasesList()).hasSize(expected).doesNotHaveDuplicates();
        assertThat(blocking.getRevision()).isEqualTo(100);
        assertThat(blocking.getNextPageToken()).isEmpty();
        assertThat(async.getLeasesList()).isEqualTo(blocking.getLeasesList());
        assertThat(async.getRevision()).isEqualTo(103);
    }

    @Test
    void failsOverToTheNextAddressAndStaysThere() {
        FakeLeaseService down = new FakeLeaseService(Instant::now, Duration.ofHours(24));
        down.unavailable(true);
        try (InProcessServer first = InProcessServer.startNamed("first:7070", down);
                InProcessServer second = InProcessServer.startNamed("second:7070", server);
                WeftClient failover = WeftClient.builder()
                        .addresses(ServerAddress.parseList("first:7070,second:7070"))
                        .channelFactory(InProcessServer.channelFactory())
                        .retryPolicy(QUICK_RETRIES)
                        .build()) {

            assertThat(failover.getLeaseBySubnet("10.244.1.0/24")).isEqualTo(LEASE);
            assertThat(failover.listLeases().getLeasesList()).containsExactly(LEASE);

            assertThat(down.calls("GetLease")).isEqualTo(1);
            assertThat(down.calls("ListLeases"))
                    .as("the second call went straight to the next server")
                    .isZero();
        }
    }

    @Test
    void failsOverWhenAServerCannotBeReachedAtAll() {
        try (InProcessServer second = InProcessServer.startNamed("up:7070", server);
                WeftClient failover = WeftClient.builder()
                        .addresses(List.of(ServerAddress.parse("nowhere:7070"), ServerAddress.parse("up:7070")))
                        .channelFactory(InProcessServer.channelFactory())
                        .retryPolicy(QUICK_RETRIES)
                        .build()) {

            assertThat(failover.getLeaseBySubnet("10.244.1.0/24")).isEqualTo(LEASE);
        }
    }

    @Test
    void failsOverWhenAServerAcceptsCallsButNeverAnswers() {
        java.util.concurrent.atomic.AtomicInteger unanswered = new java.util.concurrent.atomic.AtomicInteger();
        try (InProcessServer frozen =
                        InProcessServer.startNamed("frozen:7070", new LeaseServiceGrpc.LeaseServiceImplBase() {
                            @Override
                            public void getLease(GetLeaseRequest request, StreamObserver<Lease> response) {
                                unanswered.incrementAndGet();
                            }
                        });
                InProcessServer up = InProcessServer.startNamed("up:7070", server);
                WeftClient failover = WeftClient.builder()
                        .addresses(ServerAddress.parseList("frozen:7070,up:7070"))
                        .channelFactory(InProcessServer.channelFactory())
                        .retryPolicy(QUICK_RETRIES)
                        .deadline(Duration.ofMillis(200))
                        .build()) {

            assertThat(failover.getLeaseBySubnet("10.244.1.0/24")).isEqualTo(LEASE);
            assertThat(failover.getLeaseBySubnet("10.244.1.0/24")).isEqualTo(LEASE);
            assertThat(unanswered)
                    .as("only the first call waited on the frozen server")
                    .hasValue(1);
        }
    }

    @Test
    void everyCallHasADeadline() {
        InProcessServer silent = InProcessServer.start(new LeaseServiceGrpc.LeaseServiceImplBase() {
            @Override
            public void getLease(GetLeaseRequest request, StreamObserver<Lease> response) {
                // never answers
            }
        });
        try (silent;
                WeftClient impatient = WeftClient.builder()
                        .channel(silent.channel())
                        .deadline(Duration.ofMillis(200))
                        .build()) {

            assertThatThrownBy(() -> impatient.getLeaseBySubnet("10.244.1.0/24"))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        }
    }

    @Test
    void leavesAChannelItWasGivenOpen() throws InterruptedException {
        client.close();

        assertThat(grpc.channel().isShutdown()).isFalse();
        assertThat(grpc.channel().awaitTermination(1, TimeUnit.MILLISECONDS)).isFalse();
    }
}
