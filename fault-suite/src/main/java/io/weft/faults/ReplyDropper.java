package io.weft.faults;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.ReleaseLeaseRequest;
import io.weft.api.v1.ReleaseLeaseResponse;
import io.weft.api.v1.RenewLeaseResponse;
import io.weft.client.ChannelFactory;
import java.time.Instant;
import java.util.Random;
import java.util.Set;

/**
 * Loses replies after commit: on the nodes' channels, a lease write (acquire, renew, release)
 * picked with a small seeded probability reaches the server and completes there, but its reply
 * is held back and the call fails to the caller with {@code UNAVAILABLE} ("reply lost"), as when
 * a connection breaks between the server's answer and the client. The client library then
 * retries, through the other replica first. Every drop is recorded as a {@link DroppedReply},
 * with what the lost reply said, for the checker. A call that fails on its own is left alone.
 */
final class ReplyDropper implements ClientInterceptor {

    private static final Set<String> WRITES = Set.of(
            LeaseServiceGrpc.getAcquireLeaseMethod().getFullMethodName(),
            LeaseServiceGrpc.getRenewLeaseMethod().getFullMethodName(),
            LeaseServiceGrpc.getReleaseLeaseMethod().getFullMethodName());

    private final double probability;
    private final Random random;
    private final RunLog runLog;

    ReplyDropper(double probability, long seed, RunLog runLog) {
        if (probability < 0 || probability > 1) {
            throw new IllegalArgumentException("reply loss probability must be in 0..1, got " + probability);
        }
        this.probability = probability;
        this.random = new Random(seed);
        this.runLog = runLog;
    }

    /** Plaintext channels with this interceptor on them. */
    ChannelFactory channelFactory() {
        return address -> Grpc.newChannelBuilderForAddress(
                        address.host(), address.port(), InsecureChannelCredentials.create())
                .intercept(this)
                .build();
    }

    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
        ClientCall<Q, R> call = next.newCall(method, options);
        return WRITES.contains(method.getFullMethodName()) && draw() ? new DroppingCall<>(call) : call;
    }

    private synchronized boolean draw() {
        return random.nextDouble() < probability;
    }

    /** A unary call whose successful reply never reaches the caller. */
    private final class DroppingCall<Q, R> extends ForwardingClientCall.SimpleForwardingClientCall<Q, R> {

        private volatile Q request;

        DroppingCall(ClientCall<Q, R> delegate) {
            super(delegate);
        }

        @Override
        public void sendMessage(Q message) {
            request = message;
            super.sendMessage(message);
        }

        @Override
        public void start(Listener<R> listener, Metadata headers) {
            super.start(
                    new ForwardingClientCallListener.SimpleForwardingClientCallListener<R>(listener) {
                        private R reply;

                        @Override
                        public void onMessage(R message) {
                            reply = message; // held back; delivered only if the call fails after all
                        }

                        @Override
                        public void onClose(Status status, Metadata trailers) {
                            if (status.isOk() && reply != null) {
                                runLog.dropped(dropOf(request, reply, Instant.now()));
                                super.onClose(
                                        Status.UNAVAILABLE.withDescription(
                                                "reply lost (dropped by the fault suite after the server completed the call)"),
                                        new Metadata());
                                return;
                            }
                            if (reply != null) {
                                super.onMessage(reply);
                            }
                            super.onClose(status, trailers);
                        }
                    },
                    headers);
        }
    }

    private static DroppedReply dropOf(Object request, Object reply, Instant at) {
        return switch (reply) {
            case AcquireLeaseResponse acquired -> leaseDrop(DroppedReply.Call.ACQUIRE, acquired.getLease(), at);
            case RenewLeaseResponse renewed -> leaseDrop(DroppedReply.Call.RENEW, renewed.getLease(), at);
            case ReleaseLeaseResponse released -> {
                ReleaseLeaseRequest asked = (ReleaseLeaseRequest) request;
                yield new DroppedReply(
                        asked.getNodeName(), DroppedReply.Call.RELEASE, asked.getSubnet(), released.getRevision(), at);
            }
            default -> throw new IllegalStateException("not a lease write's reply: " + reply.getClass());
        };
    }

    private static DroppedReply leaseDrop(DroppedReply.Call call, Lease lease, Instant at) {
        return new DroppedReply(lease.getNodeName(), call, lease.getSubnet(), lease.getModRevision(), at);
    }
}
