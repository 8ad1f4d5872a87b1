package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Whatever throws inside a call's work (a future callback, a send, a handler) ends the call with a
 * status the client sees, over a real in-process transport. The same work written as a bare
 * future callback (the pattern GuardedCall replaced) leaves the client waiting: the first test
 * shows that, so the others mean something.
 */
@Timeout(30)
class GuardedCallTest {

    private final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger ends = new AtomicInteger();
    private final CompletableFuture<String> later = new CompletableFuture<>();
    private Server server;
    private ManagedChannel channel;

    @AfterEach
    void tearDown() {
        channel.shutdownNow();
        server.shutdownNow();
        work.shutdownNow();
    }

    /** A WatchLeases whose body is the given call work, run when `later` completes. */
    private Iterator<WatchLeasesResponse> callWith(
            BiConsumer<GuardedCall<WatchLeasesResponse>, String> then, boolean guarded) throws Exception {
        LeaseServiceGrpc.LeaseServiceImplBase service = new LeaseServiceGrpc.LeaseServiceImplBase() {
            @Override
            public void watchLeases(WatchLeasesRequest request, StreamObserver<WatchLeasesResponse> response) {
                if (!guarded) {
                    later.whenComplete((value, error) -> {
                        throw new IllegalStateException("lost in the future: " + value);
                    });
                    return;
                }
                GuardedCall<WatchLeasesResponse> call = GuardedCall.open(response, "WatchLeases", work);
                call.onEnd(ends::incrementAndGet);
                call.after(later, (value, error) -> then.accept(call, value));
            }
        };
        String name = InProcessServerBuilder.generateName();
        server =
                InProcessServerBuilder.forName(name).addService(service).build().start();
        channel = InProcessChannelBuilder.forName(name).build();
        return LeaseServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(5, TimeUnit.SECONDS)
                .watchLeases(WatchLeasesRequest.getDefaultInstance());
    }

    @Test
    void aThrowInABareFutureCallbackIsLostAndTheClientWaitsForever() throws Exception {
        Iterator<WatchLeasesResponse> stream = callWith(null, false);
        later.complete("value");

        assertThatThrownBy(stream::hasNext)
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
    }

    @Test
    void aRuntimeExceptionInCallWorkFailsTheCallWithInternal() throws Exception {
        Iterator<WatchLeasesResponse> stream = callWith(
                (call, value) -> {
                    throw new IllegalStateException("broken " + value);
                },
                true);
        later.complete("value");

        assertThatThrownBy(stream::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL);
            assertThat(e.getStatus().getDescription()).contains("WatchLeases").contains("broken value");
        });
        await().until(() -> ends.get() == 1);
    }

    @Test
    void anErrorInCallWorkFailsTheCallToo() throws Exception {
        Iterator<WatchLeasesResponse> stream = callWith(
                (call, value) -> {
                    throw new AssertionError("an Error, not an Exception");
                },
                true);
        later.complete("value");

        assertThatThrownBy(stream::hasNext)
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INTERNAL));
    }

    @Test
    void aStatusThrownInCallWorkKeepsItsCodeAndMessage() throws Exception {
        Iterator<WatchLeasesResponse> stream = callWith(
                (call, value) -> {
                    throw Status.INVALID_ARGUMENT
                            .withDescription("start_revision: bad")
                            .asRuntimeException();
                },
                true);
        later.complete("value");

        assertThatThrownBy(stream::hasNext).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
            assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(e.getStatus().getDescription()).isEqualTo("start_revision: bad");
        });
    }

    @Test
    void workAfterAFailedFutureRunsAndSendsInOrder() throws Exception {
        Iterator<WatchLeasesResponse> stream = callWith(
                (call, value) -> {
                    for (long revision = 1; revision <= 3; revision++) {
                        call.send(WatchLeasesResponse.newBuilder()
                                .setRevision(revision)
                                .build());
                    }
                    call.complete();
                },
                true);
        later.completeExceptionally(new RuntimeException("ignored by this work"));

        assertThat(stream.next().getRevision()).isEqualTo(1);
        assertThat(stream.next().getRevision()).isEqualTo(2);
        assertThat(stream.next().getRevision()).isEqualTo(3);
        assertThat(stream.hasNext()).isFalse();
        await().until(() -> ends.get() == 1);
    }
}
