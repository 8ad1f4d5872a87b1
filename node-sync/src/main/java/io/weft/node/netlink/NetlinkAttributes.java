package io.weft.node.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The route attributes (struct rtattr / nlattr: u16 length, u16 type, value, padding to 4 bytes)
 * that follow a family header, by type. The kernel's NLA_F_NESTED and NLA_F_NET_BYTEORDER type
 * bits are masked off; when a type repeats the last one wins (rtnetlink never repeats the ones
 * weft reads).
 */
final class NetlinkAttributes {

    static final int HEADER_LENGTH = 4;
    static final int NLA_F_NESTED = 0x8000;
    static final int NLA_F_NET_BYTEORDER = 0x4000;
    private static final int TYPE_MASK = ~(NLA_F_NESTED | NLA_F_NET_BYTEORDER) & 0xffff;

    private final Map<Integer, ByteBuffer> values;

    private NetlinkAttributes(Map<Integer, ByteBuffer> values) {
        this.values = values;
    }

    /**
     * Parses the attributes from the buffer's position to its limit.
     *
     * @throws IllegalArgumentException when an attribute claims more bytes than remain
     */
    static NetlinkAttributes parse(ByteBuffer buffer) {
        ByteBuffer data = buffer.slice().order(ByteOrder.nativeOrder());
        Map<Integer, ByteBuffer> values = new HashMap<>();
        int offset = 0;
        while (data.limit() - offset >= HEADER_LENGTH) {
            int length = Short.toUnsignedInt(data.getShort(offset));
            int type = Short.toUnsignedInt(data.getShort(offset + 2)) & TYPE_MASK;
            if (length < HEADER_LENGTH || length > data.limit() - offset) {
                throw new IllegalArgumentException("attribute type " + type + " at offset " + offset + " claims "
                        + length + " bytes but " + (data.limit() - offset) + " remain");
            }
            values.put(
                    type,
                    data.slice(offset + HEADER_LENGTH, length - HEADER_LENGTH).order(ByteOrder.nativeOrder()));
            offset += NetlinkMessage.align(length);
        }
        return new NetlinkAttributes(values);
    }

    /** The attributes following a family header of {@code headerLength} bytes in a message. */
    static NetlinkAttributes after(NetlinkMessage message, int headerLength) {
        return parse(message.payloadFrom(NetlinkMessage.align(headerLength)));
    }

    boolean has(int type) {
        return values.containsKey(type);
    }

    Optional<byte[]> bytes(int type) {
        ByteBuffer value = values.get(type);
        if (value == null) {
            return Optional.empty();
        }
        byte[] copy = new byte[value.remaining()];
        value.duplicate().get(copy);
        return Optional.of(copy);
    }

    Optional<Integer> u8(int type) {
        return value(type, 1).map(v -> Byte.toUnsignedInt(v.get(0)));
    }

    /** A 16-bit value in network byte order, such as IFLA_VXLAN_PORT. */
    Optional<Integer> u16BigEndian(int type) {
        return value(type, 2)
                .map(v -> Short.toUnsignedInt(v.order(ByteOrder.BIG_ENDIAN).getShort(0)));
    }

    Optional<Integer> u32(int type) {
        return value(type, 4).map(v -> v.getInt(0));
    }

    /** A NUL-terminated string; the terminator (and anything after it) is dropped. */
    Optional<String> string(int type) {
        return bytes(type).map(b -> {
            int end = 0;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return new String(b, 0, end, StandardCharsets.UTF_8);
        });
    }

    Optional<NetlinkAttributes> nested(int type) {
        ByteBuffer value = values.get(type);
        return value == null ? Optional.empty() : Optional.of(parse(value.duplicate()));
    }

    private Optional<ByteBuffer> value(int type, int minimumLength) {
        ByteBuffer value = values.get(type);
        if (value == null || value.remaining() < minimumLength) {
            return Optional.empty();
        }
        return Optional.of(value.duplicate().order(ByteOrder.nativeOrder()));
    }
}
