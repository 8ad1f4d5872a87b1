package io.weft.allocator.service;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.weft.api.v1.WatchLeasesResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Writes a {@link WatchMessage}'s bytes as they were encoded, without serialising the message
 * again; reads (unused by the server, kept for completeness) parse a WatchLeasesResponse.
 */
final class WatchMessageMarshaller implements MethodDescriptor.Marshaller<WatchMessage> {

    /**
     * The bytes as a stream gRPC can size up front (so it frames them without buffering) and
     * drain straight into its frame buffer (no intermediate copy buffer per message).
     */
    private static final class WireStream extends ByteArrayInputStream implements KnownLength, Drainable {
        WireStream(byte[] wire) {
            super(wire);
        }

        @Override
        public synchronized int drainTo(OutputStream target) throws IOException {
            int length = count - pos;
            target.write(buf, pos, length);
            pos = count;
            return length;
        }
    }

    @Override
    public InputStream stream(WatchMessage value) {
        return new WireStream(value.wire());
    }

    @Override
    public WatchMessage parse(InputStream stream) {
        try {
            return WatchMessage.of(WatchLeasesResponse.parseFrom(stream));
        } catch (IOException e) {
            throw Status.INTERNAL
                    .withDescription("cannot parse a WatchLeasesResponse: " + e.getMessage())
                    .withCause(e)
                    .asRuntimeException();
        }
    }
}
