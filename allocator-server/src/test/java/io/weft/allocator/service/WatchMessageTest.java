package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.api.v1.VxlanBackendData;
import io.weft.api.v1.WatchLeasesResponse;
import org.junit.jupiter.api.Test;

/** A watch message keeps its bytes, type and revision; the message itself decodes from the bytes. */
class WatchMessageTest {

    private final WatchLeasesResponse event = WatchLeasesResponse.newBuilder()
            .setType(WatchLeasesResponse.Type.MODIFIED)
            .setRevision(4_242)
            .setLease(Lease.newBuilder()
                    .setSubnet("10.1.7.0/24")
                    .setNodeName("node-7")
                    .setPublicIp("192.168.0.7")
                    .setBackendType("vxlan")
                    .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac("c6:d2:32:6f:8f:07"))
                    .setModRevision(4_242)
                    .setRevision(4_242))
            .build();

    @Test
    void theTypeAndRevisionAreKeptAndTheMessageDecodesEqual() {
        WatchMessage message = WatchMessage.of(event);

        assertThat(message.type()).isEqualTo(WatchLeasesResponse.Type.MODIFIED);
        assertThat(message.revision()).isEqualTo(4_242);
        assertThat(message.wire()).isEqualTo(event.toByteArray());
        assertThat(message.size()).isEqualTo(event.getSerializedSize());
        assertThat(message.message()).isEqualTo(event).isNotSameAs(event);
    }
}
