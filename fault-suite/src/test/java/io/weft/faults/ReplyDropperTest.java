package io.weft.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.ReleaseLeaseResponse;
import io.weft.client.ServerAddress;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dropper over a real loopback transport, against a small stateful lease service that counts
 * the writes it completed: a dropped reply's write did happen, the caller sees only "reply lost",
 * and the run log knows what the reply said.
 */
@Timeout(30)
class ReplyDropperTest {

    private static final Lease LEASE = Lease.newBuilder()
            .setSubnet("10.96.7.0/24")
            .setNodeName("node-0007")
            .setModRevision(42)
            .build();

    private final AtomicInteger acquisitionsCompleted = new AtomicInteger();
    private final RunLog runLog = new RunLog();
    private Server server;
    private ManagedChannel channel;

    @BeforeEach
    void startServer() throws IOException {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
                .addService(new CountingLeaseService())
                .build()
                .start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void aDroppedAcquisitionCompletesOnTheServerButFailsToTheCallerAsUnavailable() {
        LeaseServiceGrpc.LeaseServiceBlockingStub stub = stubThrough(new ReplyDropper(1.0, 1, runLog));

        assertThatThrownBy(() -> stub.acquireLease(AcquireLeaseRequest.newBuilder()
                        .setNodeName("node-0007")
                        .build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
                    assertThat(e.getStatus().getDescription()).contains("reply lost");
                });
        assertThat(acquisitionsCompleted).hasValue(1);
        assertThat(runLog.droppedReplies()).singleElement().satisfies(drop -> {
            assertThat(drop.node()).isEqualTo("node-0007");
            assertThat(drop.call()).isEqualTo(DroppedReply.Call.ACQUIRE);
            assertThat(drop.subnet()).isEqualTo("10.96.7.0/24");
            assertThat(drop.revision()).isEqualTo(42);
        });
    }

    @Test
    void withoutADrawTheReplyArrives() {
        LeaseServiceGrpc.LeaseServiceBlockingStub stub = stubThrough(new ReplyDropper(0.0, 1, runLog));

        assertThat(stub.acquireLease(AcquireLeaseRequest.getDefaultInstance()).getLease())
                .isEqualTo(LEASE);
        assertThat(runLog.droppedReplies()).isEmpty();
    }

    @Test
    void aCallThatFailsOnTheServerFailsUnchangedAndIsNoDrop() {
        LeaseServiceGrpc.LeaseServiceBlockingStub stub = stubThrough(new ReplyDropper(1.0, 1, runLog));

        assertThatThrownBy(() -> stub.releaseLease(ReleaseLeaseRequest.newBuilder()
                        .setSubnet("10.96.7.0/24")
                        .build()))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        assertThat(runLog.droppedReplies()).isEmpty();
    }

    @Test
    void readsAreNeverDropped() {
        LeaseServiceGrpc.LeaseServiceBlockingStub stub = stubThrough(new ReplyDropper(1.0, 1, runLog));

        assertThat(stub.getLease(
                        GetLeaseRequest.newBuilder().setNodeName("node-0007").build()))
                .isEqualTo(LEASE);
        assertThat(runLog.droppedReplies()).isEmpty();
    }

    private LeaseServiceGrpc.LeaseServiceBlockingStub stubThrough(ReplyDropper dropper) {
        channel = dropper.channelFactory().open(new ServerAddress("127.0.0.1", server.getPort()));
        return LeaseServiceGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private final class CountingLeaseService extends LeaseServiceGrpc.LeaseServiceImplBase {

        @Override
        public void acquireLease(AcquireLeaseRequest request, StreamObserver<AcquireLeaseResponse> observer) {
            acquisitionsCompleted.incrementAndGet();
            observer.onNext(AcquireLeaseResponse.newBuilder().setLease(LEASE).build());
            observer.onCompleted();
        }

        @Override
        public void releaseLease(ReleaseLeaseRequest request, StreamObserver<ReleaseLeaseResponse> observer) {
            observer.onError(Status.NOT_FOUND
                    .withDescription("no lease on " + request.getSubnet())
                    .asRuntimeException());
        }

        @Override
        public void getLease(GetLeaseRequest request, StreamObserver<Lease> observer) {
            observer.onNext(LEASE);
            observer.onCompleted();
        }
    }
}
