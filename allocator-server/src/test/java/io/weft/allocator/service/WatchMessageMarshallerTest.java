package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.weft.api.v1.WatchLeasesResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

/** The bytes gRPC frames for a watch message are exactly the ones encoded once by the hub. */
class WatchMessageMarshallerTest {

    private final WatchMessageMarshaller marshaller = new WatchMessageMarshaller();
    private final WatchMessage message = WatchMessage.of(WatchLeasesResponse.newBuilder()
            .setType(WatchLeasesResponse.Type.PROGRESS)
            .setRevision(123_456_789L)
            .build());

    @Test
    void drainingTheStreamWritesTheEncodedBytesOnceAndLeavesItEmpty() throws IOException {
        InputStream stream = marshaller.stream(message);
        assertThat(stream).isInstanceOf(Drainable.class).isInstanceOf(KnownLength.class);
        assertThat(stream.available()).isEqualTo(message.size());

        ByteArrayOutputStream target = new ByteArrayOutputStream();
        int drained = ((Drainable) stream).drainTo(target);

        assertThat(drained).isEqualTo(message.size());
        assertThat(target.toByteArray()).isEqualTo(message.wire());
        assertThat(stream.available()).isZero();
        assertThat(((Drainable) stream).drainTo(new ByteArrayOutputStream())).isZero();
    }

    @Test
    void aPartlyReadStreamDrainsOnlyWhatIsLeft() throws IOException {
        InputStream stream = marshaller.stream(message);
        int first = stream.read();

        ByteArrayOutputStream target = new ByteArrayOutputStream();
        int drained = ((Drainable) stream).drainTo(target);

        assertThat(drained).isEqualTo(message.size() - 1);
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        whole.write(first);
        whole.write(target.toByteArray());
        assertThat(whole.toByteArray()).isEqualTo(message.wire());
    }

    @Test
    void parsingTheDrainedBytesGivesTheMessageBack() throws IOException {
        ByteArrayOutputStream target = new ByteArrayOutputStream();
        ((Drainable) marshaller.stream(message)).drainTo(target);

        assertThat(WatchLeasesResponse.parseFrom(target.toByteArray())).isEqualTo(message.message());
    }
}
