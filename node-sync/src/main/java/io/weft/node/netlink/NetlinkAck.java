package io.weft.node.netlink;

import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * The kernel's answer to one request (an NLMSGERR message): success when {@code errno} is 0,
 * else the positive errno plus the extended-ack text when the kernel gave one.
 *
 * @param sequence      the sequence number of the request it answers
 * @param errno         0 for success, else the positive errno
 * @param kernelMessage NLMSGERR_ATTR_MSG, e.g. "Nexthop has invalid gateway"
 */
record NetlinkAck(int sequence, int errno, Optional<String> kernelMessage) {

    static final int NLMSGERR_ATTR_MSG = 1;

    /** Parses an NLMSGERR message (struct nlmsgerr, then extended-ack attributes if flagged). */
    static NetlinkAck parse(NetlinkMessage message) {
        if (!message.isError()) {
            throw new IllegalArgumentException("message type " + message.type() + " is not NLMSG_ERROR");
        }
        ByteBuffer payload = message.payloadFrom(0);
        if (payload.remaining() < 4) {
            throw new IllegalArgumentException("NLMSG_ERROR of " + payload.remaining() + " bytes has no error code");
        }
        int errno = -payload.getInt(0);
        Optional<String> text = Optional.empty();
        if ((message.flags() & NetlinkMessage.NLM_F_ACK_TLVS) != 0
                && payload.remaining() >= 4 + NetlinkMessage.HEADER_LENGTH) {
            // Without NLM_F_CAPPED the whole request is echoed after the error code.
            int echoed = (message.flags() & NetlinkMessage.NLM_F_CAPPED) != 0
                    ? NetlinkMessage.HEADER_LENGTH
                    : NetlinkMessage.align(payload.getInt(4));
            text = NetlinkAttributes.parse(message.payloadFrom(4 + echoed))
                    .string(NLMSGERR_ATTR_MSG)
                    .filter(s -> !s.isEmpty());
        }
        return new NetlinkAck(message.sequence(), errno, text);
    }

    boolean succeeded() {
        return errno == 0;
    }

    /** "Nexthop has invalid gateway (ENETUNREACH)", or libc's text when the kernel gave none. */
    String reason() {
        return kernelMessage.orElseGet(() -> Errno.textOf(errno)) + " (" + Errno.nameOf(errno) + ")";
    }
}
