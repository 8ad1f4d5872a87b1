package io.weft.node.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a datagram received from the kernel into its netlink messages. A datagram holds one or
 * more messages, each starting on a 4-byte boundary and as long as its nlmsg_len says.
 */
final class NetlinkMessageReader {

    private NetlinkMessageReader() {}

    /**
     * The messages in {@code data[0, length)}; the data is copied, so the caller may reuse its buffer.
     *
     * @throws IllegalArgumentException when a header claims a length the datagram does not hold
     */
    static List<NetlinkMessage> read(byte[] data, int length) {
        ByteBuffer buffer = ByteBuffer.wrap(data.clone(), 0, length).order(ByteOrder.nativeOrder());
        List<NetlinkMessage> messages = new ArrayList<>();
        int offset = 0;
        while (length - offset >= NetlinkMessage.HEADER_LENGTH) {
            int messageLength = buffer.getInt(offset);
            if (messageLength < NetlinkMessage.HEADER_LENGTH || messageLength > length - offset) {
                throw new IllegalArgumentException("netlink message at offset " + offset + " claims " + messageLength
                        + " bytes but " + (length - offset) + " remain");
            }
            int type = Short.toUnsignedInt(buffer.getShort(offset + 4));
            int flags = Short.toUnsignedInt(buffer.getShort(offset + 6));
            int sequence = buffer.getInt(offset + 8);
            int portId = buffer.getInt(offset + 12);
            ByteBuffer payload =
                    buffer.slice(offset + NetlinkMessage.HEADER_LENGTH, messageLength - NetlinkMessage.HEADER_LENGTH);
            messages.add(new NetlinkMessage(type, flags, sequence, portId, payload));
            offset += NetlinkMessage.align(messageLength);
        }
        return messages;
    }
}
