package io.weft.node.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * Builds one or more netlink messages back to back in one buffer, ready for a single sendto.
 * Fields are written in native byte order, except where a method says network order. Every
 * message and attribute is padded to 4 bytes; a message's nlmsg_len and a nested attribute's
 * rta_len are filled in when it ends.
 *
 * <pre>{@code
 * writer.begin(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK, seq)
 *       .u8(AF_UNSPEC).u8(0).u16(0).u32(0).u32(0).u32(0)     // struct ifinfomsg
 *       .attributeString(IFLA_IFNAME, "flannel.1")
 *       .beginNested(IFLA_LINKINFO).attributeString(IFLA_INFO_KIND, "vxlan").endNested()
 *       .end();
 * }</pre>
 */
final class NetlinkMessageWriter {

    private ByteBuffer buffer = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
    private int messageStart = -1;
    private int messages;
    private final Deque<Integer> nests = new ArrayDeque<>();

    /** Starts a message: writes an nlmsghdr whose length {@link #end()} fills in. */
    NetlinkMessageWriter begin(int type, int flags, int sequence) {
        if (messageStart >= 0) {
            throw new IllegalStateException("message at offset " + messageStart + " was not ended");
        }
        messageStart = buffer.position();
        u32(0).u16(type).u16(flags).u32(sequence).u32(0);
        return this;
    }

    /** Ends the current message: pads it to 4 bytes and sets its nlmsg_len. */
    NetlinkMessageWriter end() {
        if (messageStart < 0 || !nests.isEmpty()) {
            throw new IllegalStateException("no message to end, or a nested attribute is still open");
        }
        pad();
        buffer.putInt(messageStart, buffer.position() - messageStart);
        messageStart = -1;
        messages++;
        return this;
    }

    NetlinkMessageWriter u8(int value) {
        ensure(1);
        buffer.put((byte) value);
        return this;
    }

    NetlinkMessageWriter u16(int value) {
        ensure(2);
        buffer.putShort((short) value);
        return this;
    }

    NetlinkMessageWriter u32(int value) {
        ensure(4);
        buffer.putInt(value);
        return this;
    }

    NetlinkMessageWriter raw(byte[] bytes) {
        ensure(bytes.length);
        buffer.put(bytes);
        return this;
    }

    /** Pads the family header written so far to 4 bytes, before its attributes. */
    NetlinkMessageWriter pad() {
        while ((buffer.position() & 3) != 0) {
            u8(0);
        }
        return this;
    }

    NetlinkMessageWriter attribute(int type, byte[] value) {
        pad();
        u16(NetlinkAttributes.HEADER_LENGTH + value.length).u16(type).raw(value);
        return pad();
    }

    /** An attribute with no value: its presence is the information (e.g. IFLA_VXLAN_GBP). */
    NetlinkMessageWriter attributeFlag(int type) {
        return attribute(type, new byte[0]);
    }

    NetlinkMessageWriter attributeU8(int type, int value) {
        return attribute(type, new byte[] {(byte) value});
    }

    NetlinkMessageWriter attributeU32(int type, int value) {
        return attribute(
                type,
                ByteBuffer.allocate(4)
                        .order(ByteOrder.nativeOrder())
                        .putInt(value)
                        .array());
    }

    /** A 16-bit value in network byte order (big-endian), as IFLA_VXLAN_PORT wants. */
    NetlinkMessageWriter attributeU16BigEndian(int type, int value) {
        return attribute(type, new byte[] {(byte) (value >>> 8), (byte) value});
    }

    /** A NUL-terminated string. */
    NetlinkMessageWriter attributeString(int type, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        return attribute(type, Arrays.copyOf(text, text.length + 1));
    }

    /** Opens an attribute whose value is further attributes, until {@link #endNested()}. */
    NetlinkMessageWriter beginNested(int type) {
        pad();
        nests.push(buffer.position());
        return u16(0).u16(type | NetlinkAttributes.NLA_F_NESTED);
    }

    NetlinkMessageWriter endNested() {
        int start = nests.pop();
        pad();
        buffer.putShort(start, (short) (buffer.position() - start));
        return this;
    }

    /** Bytes written so far, all messages included. */
    int size() {
        return buffer.position();
    }

    /** Messages ended so far. */
    int messageCount() {
        return messages;
    }

    byte[] toByteArray() {
        if (messageStart >= 0) {
            throw new IllegalStateException("message at offset " + messageStart + " was not ended");
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    private void ensure(int more) {
        if (buffer.remaining() < more) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(buffer.capacity() * 2, buffer.position() + more))
                    .order(ByteOrder.nativeOrder());
            bigger.put(buffer.array(), 0, buffer.position());
            buffer = bigger;
        }
    }
}
