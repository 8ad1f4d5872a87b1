package io.weft.allocator.fuzz;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Sends raw bytes as the request of any gRPC method, whatever its type, bypassing the generated
 * marshallers: the server is the only one that parses them. The call ends at its first response
 * (a streaming call is then cancelled) or its close; it is bounded by a deadline, and a call
 * that neither answers nor closes by then is reported as wedged.
 */
final class RawCall {

    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try (stream) {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };

    /** How a call ended: its status (OK when a response came), the first response, or wedged. */
    record Outcome(Status status, byte[] response, boolean wedged) {}

    private RawCall() {}

    /** The same method (name and type) with byte-array marshallers. */
    static MethodDescriptor<byte[], byte[]> rawMethod(MethodDescriptor<?, ?> method) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(method.getType())
                .setFullMethodName(method.getFullMethodName())
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    static Outcome send(Channel channel, MethodDescriptor<byte[], byte[]> method, byte[] request, Duration deadline)
            throws InterruptedException {
        // The client's deadline is longer than our wait: a wedge shows as "no answer", not as a
        // DEADLINE_EXCEEDED that could be mistaken for the server's own answer.
        ClientCall<byte[], byte[]> call = channel.newCall(
                method, CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis() * 2, TimeUnit.MILLISECONDS));
        CompletableFuture<Outcome> done = new CompletableFuture<>();
        call.start(
                new ClientCall.Listener<>() {
                    private byte[] first;

                    @Override
                    public void onMessage(byte[] message) {
                        if (first == null) {
                            first = message;
                        }
                        if (method.getType() != MethodDescriptor.MethodType.UNARY) {
                            done.complete(new Outcome(Status.OK, message, false));
                        }
                    }

                    @Override
                    public void onClose(Status status, Metadata trailers) {
                        done.complete(new Outcome(status, first, false));
                    }
                },
                new Metadata());
        call.request(2);
        call.sendMessage(request);
        call.halfClose();
        try {
            return done.get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return new Outcome(Status.DEADLINE_EXCEEDED, null, true);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            call.cancel("fuzz case finished", null);
        }
    }
}
