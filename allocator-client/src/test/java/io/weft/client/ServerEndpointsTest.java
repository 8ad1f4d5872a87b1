package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.GetLeaseRequest;
import io.weft.api.v1.LeaseServiceGrpc;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A retry is timed by the caller's back-off alone: a channel whose connection failed is told to
 * connect again when the next attempt picks it, instead of waiting out gRPC's own back-off.
 */
@Timeout(30)
class ServerEndpointsTest {

    private final List<CountingChannel> opened = new ArrayList<>();
    private final ServerEndpoints endpoints;

    ServerEndpointsTest() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        endpoints = ServerEndpoints.of(List.of(new ServerAddress("127.0.0.1", closedPort)), address -> {
            CountingChannel channel =
                    new CountingChannel(ChannelFactory.plaintext().open(address));
            opened.add(channel);
            return channel;
        });
    }

    @AfterEach
    void closeChannels() {
        endpoints.close();
    }

    @Test
    void aChannelThatNeverFailedKeepsItsBackoff() {
        endpoints.current();
        endpoints.current();

        assertThat(opened)
                .singleElement()
                .satisfies(channel -> assertThat(channel.resets.get()).isZero());
    }

    @Test
    void aChannelWhoseConnectionFailedConnectsAgainAtTheNextAttempt() {
        ManagedChannel channel = endpoints.current().channel();
        assertThatThrownBy(
                        () -> LeaseServiceGrpc.newBlockingStub(channel).getLease(GetLeaseRequest.getDefaultInstance()))
                .isInstanceOf(StatusRuntimeException.class)
                .hasMessageStartingWith("UNAVAILABLE");
        await().until(() -> channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE);

        endpoints.current();

        assertThat(opened.getFirst().resets).hasValue(1);
    }

    /** A real channel that counts the calls to {@link #resetConnectBackoff()}. */
    private static final class CountingChannel extends ManagedChannel {
        private final ManagedChannel delegate;
        final AtomicInteger resets = new AtomicInteger();

        CountingChannel(ManagedChannel delegate) {
            this.delegate = delegate;
        }

        @Override
        public void resetConnectBackoff() {
            resets.incrementAndGet();
            delegate.resetConnectBackoff();
        }

        @Override
        public ConnectivityState getState(boolean requestConnection) {
            return delegate.getState(requestConnection);
        }

        @Override
        public <Q, R> ClientCall<Q, R> newCall(MethodDescriptor<Q, R> method, CallOptions options) {
            return delegate.newCall(method, options);
        }

        @Override
        public String authority() {
            return delegate.authority();
        }

        @Override
        public ManagedChannel shutdown() {
            return delegate.shutdown();
        }

        @Override
        public boolean isShutdown() {
            return delegate.isShutdown();
        }

        @Override
        public boolean isTerminated() {
            return delegate.isTerminated();
        }

        @Override
        public ManagedChannel shutdownNow() {
            return delegate.shutdownNow();
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
            return delegate.awaitTermination(timeout, unit);
        }
    }
}
