package io.weft.node.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.config.IpAddress;
import io.weft.node.dataplane.VxlanSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Encoding: headers, 4-byte alignment, nested attributes and byte order, read back by the reader. */
@Timeout(10)
class NetlinkMessageWriterTest {

    private static ByteBuffer nativeOrder(byte[] bytes) {
        return ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
    }

    private static NetlinkMessage only(NetlinkMessageWriter writer) {
        byte[] bytes = writer.toByteArray();
        List<NetlinkMessage> messages = NetlinkMessageReader.read(bytes, bytes.length);
        assertThat(messages).hasSize(1);
        return messages.getFirst();
    }

    @Test
    void theHeaderCarriesLengthTypeFlagsAndSequence() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter()
                .begin(LinkMessages.RTM_GETLINK, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, 42)
                .u8(0)
                .u8(0)
                .u16(0)
                .u32(7)
                .u32(0)
                .u32(0)
                .end();

        byte[] bytes = writer.toByteArray();

        ByteBuffer header = nativeOrder(bytes);
        assertThat(bytes).hasSize(NetlinkMessage.HEADER_LENGTH + LinkMessages.IFINFOMSG_LENGTH);
        assertThat(header.getInt(0)).isEqualTo(32);
        assertThat(header.getShort(4)).isEqualTo((short) LinkMessages.RTM_GETLINK);
        assertThat(header.getShort(6)).isEqualTo((short) 5);
        assertThat(header.getInt(8)).isEqualTo(42);
        assertThat(header.getInt(12)).as("port id 0: the kernel fills in ours").isZero();
        assertThat(header.getInt(20)).as("ifi_index").isEqualTo(7);
    }

    @Test
    void attributesArePaddedToFourBytesButTheirLengthExcludesThePadding() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter()
                .begin(1, NetlinkMessage.NLM_F_REQUEST, 1)
                .attributeString(3, "abc") // 4 + 4 bytes: no padding
                .attributeString(3, "abcd") // 4 + 5 bytes, padded to 12
                .attributeU8(7, 1) // 4 + 1 bytes, padded to 8
                .attributeFlag(23) // 4 bytes
                .end();

        ByteBuffer buffer = nativeOrder(writer.toByteArray());

        int base = NetlinkMessage.HEADER_LENGTH;
        assertThat(buffer.getShort(base)).isEqualTo((short) 8);
        assertThat(buffer.getShort(base + 8)).isEqualTo((short) 9);
        assertThat(buffer.get(base + 8 + 8)).as("the NUL terminator").isZero();
        assertThat(buffer.getShort(base + 20))
                .as("the next attribute starts aligned")
                .isEqualTo((short) 5);
        assertThat(buffer.getShort(base + 28)).isEqualTo((short) 4);
        assertThat(buffer.getShort(base + 30)).isEqualTo((short) 23);
        assertThat(buffer.getInt(0)).isEqualTo(base + 32).isEqualTo(buffer.capacity());
    }

    @Test
    void anOddSizedFamilyHeaderIsPaddedBeforeTheFirstAttribute() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter()
                .begin(1, NetlinkMessage.NLM_F_REQUEST, 1)
                .u8(2)
                .u8(24)
                .u8(0)
                .attributeU32(4, 0x01020304)
                .end();

        NetlinkMessage message = only(writer);

        assertThat(NetlinkAttributes.after(message, 3).u32(4)).contains(0x01020304);
        assertThat(nativeOrder(writer.toByteArray()).getShort(NetlinkMessage.HEADER_LENGTH + 4))
                .isEqualTo((short) 8);
    }

    @Test
    void aNestedAttributeCoversItsChildrenAndIsFlaggedNested() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter()
                .begin(1, NetlinkMessage.NLM_F_REQUEST, 1)
                .beginNested(LinkMessages.IFLA_LINKINFO)
                .attributeString(LinkMessages.IFLA_INFO_KIND, "vxlan")
                .beginNested(LinkMessages.IFLA_INFO_DATA)
                .attributeU32(LinkMessages.IFLA_VXLAN_ID, 1)
                .endNested()
                .endNested()
                .end();

        ByteBuffer buffer = nativeOrder(writer.toByteArray());
        NetlinkMessage message = only(writer);

        int outer = NetlinkMessage.HEADER_LENGTH;
        // 4 (outer header) + 12 ("vxlan\0" padded) + 4 (inner header) + 8 (the u32)
        assertThat(buffer.getShort(outer)).isEqualTo((short) 28);
        assertThat(buffer.getShort(outer + 2) & 0xffff)
                .isEqualTo(LinkMessages.IFLA_LINKINFO | NetlinkAttributes.NLA_F_NESTED);
        assertThat(buffer.getShort(outer + 16)).isEqualTo((short) 12);
        NetlinkAttributes info = NetlinkAttributes.parse(message.payloadFrom(0))
                .nested(LinkMessages.IFLA_LINKINFO)
                .orElseThrow();
        assertThat(info.string(LinkMessages.IFLA_INFO_KIND)).contains("vxlan");
        assertThat(info.nested(LinkMessages.IFLA_INFO_DATA).orElseThrow().u32(LinkMessages.IFLA_VXLAN_ID))
                .contains(1);
    }

    @Test
    void theVxlanPortTravelsInNetworkByteOrderAndTheVniInHostOrder() {
        VxlanSpec spec = new VxlanSpec(
                "flannel.1",
                0x010203,
                IpAddress.parse("192.168.77.1"),
                "eth0",
                8472,
                false,
                true,
                1450,
                "0a:58:0a:f4:01:01");
        NetlinkMessageWriter writer = new NetlinkMessageWriter();
        LinkMessages.addVxlan(writer, 9, spec, 2);

        NetlinkMessage message = only(writer);

        NetlinkAttributes attributes = NetlinkAttributes.after(message, LinkMessages.IFINFOMSG_LENGTH);
        NetlinkAttributes data = attributes
                .nested(LinkMessages.IFLA_LINKINFO)
                .flatMap(info -> info.nested(LinkMessages.IFLA_INFO_DATA))
                .orElseThrow();
        assertThat(data.bytes(LinkMessages.IFLA_VXLAN_PORT))
                .hasValueSatisfying(port -> assertThat(port).containsExactly(0x21, 0x18)); // 8472 = 0x2118
        assertThat(data.u16BigEndian(LinkMessages.IFLA_VXLAN_PORT)).contains(8472);
        assertThat(data.u32(LinkMessages.IFLA_VXLAN_ID)).contains(0x010203);
        assertThat(data.bytes(LinkMessages.IFLA_VXLAN_LOCAL))
                .hasValueSatisfying(local -> assertThat(local).containsExactly(192, 168, 77, 1));
        assertThat(data.u32(LinkMessages.IFLA_VXLAN_LINK)).contains(2);
        assertThat(data.u8(LinkMessages.IFLA_VXLAN_LEARNING)).contains(0);
        assertThat(data.has(LinkMessages.IFLA_VXLAN_GBP)).isTrue();
        assertThat(attributes.string(LinkMessages.IFLA_IFNAME)).contains("flannel.1");
        assertThat(attributes.u32(LinkMessages.IFLA_MTU)).contains(1450);
        assertThat(message.flags())
                .isEqualTo(NetlinkMessage.NLM_F_REQUEST
                        | NetlinkMessage.NLM_F_ACK
                        | NetlinkMessage.NLM_F_CREATE
                        | NetlinkMessage.NLM_F_EXCL);
    }

    @Test
    void severalMessagesGoBackToBackInOneBuffer() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter();
        for (int sequence = 1; sequence <= 3; sequence++) {
            writer.begin(LinkMessages.RTM_GETLINK, NetlinkMessage.NLM_F_REQUEST, sequence)
                    .u8(0)
                    .attributeString(LinkMessages.IFLA_IFNAME, "dev" + sequence)
                    .end();
        }

        byte[] bytes = writer.toByteArray();
        List<NetlinkMessage> messages = NetlinkMessageReader.read(bytes, bytes.length);

        assertThat(writer.messageCount()).isEqualTo(3);
        assertThat(messages).extracting(NetlinkMessage::sequence).containsExactly(1, 2, 3);
        assertThat(messages)
                .extracting(m -> NetlinkAttributes.after(m, 1)
                        .string(LinkMessages.IFLA_IFNAME)
                        .orElseThrow())
                .containsExactly("dev1", "dev2", "dev3");
    }

    @Test
    void anUnendedMessageCannotBeSent() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter().begin(1, NetlinkMessage.NLM_F_REQUEST, 1);

        assertThatThrownBy(writer::toByteArray).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> writer.begin(1, NetlinkMessage.NLM_F_REQUEST, 2))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theBufferGrowsPastItsFirstFourKilobytes() {
        NetlinkMessageWriter writer = new NetlinkMessageWriter();
        for (int sequence = 0; sequence < 500; sequence++) {
            writer.begin(1, NetlinkMessage.NLM_F_REQUEST, sequence)
                    .attributeString(3, "device-name")
                    .end();
        }

        byte[] bytes = writer.toByteArray();

        assertThat(bytes.length).isEqualTo(500 * (16 + 16));
        assertThat(NetlinkMessageReader.read(bytes, bytes.length))
                .hasSize(500)
                .last()
                .extracting(NetlinkMessage::sequence)
                .isEqualTo(499);
    }
}
