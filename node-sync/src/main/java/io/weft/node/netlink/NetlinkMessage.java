package io.weft.node.netlink;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One netlink message: the nlmsghdr fields plus the payload after the header (a read-only,
 * native-order slice; read it through {@link #payloadFrom}, which never moves it). Also home of the header's constants.
 *
 * @param payload the family header (ifinfomsg, rtmsg, ...) followed by its attributes
 */
record NetlinkMessage(int type, int flags, int sequence, int portId, ByteBuffer payload) {

    /** sizeof(struct nlmsghdr). */
    static final int HEADER_LENGTH = 16;

    static final int NLMSG_NOOP = 1;
    static final int NLMSG_ERROR = 2;
    static final int NLMSG_DONE = 3;
    static final int NLMSG_OVERRUN = 4;

    static final int NLM_F_REQUEST = 0x1;
    static final int NLM_F_MULTI = 0x2;
    static final int NLM_F_ACK = 0x4;
    static final int NLM_F_DUMP_INTR = 0x10;
    static final int NLM_F_DUMP = 0x300;
    static final int NLM_F_REPLACE = 0x100;
    static final int NLM_F_EXCL = 0x200;
    static final int NLM_F_CREATE = 0x400;
    /** On an NLMSG_ERROR: the echoed request was cut to its header (NETLINK_CAP_ACK). */
    static final int NLM_F_CAPPED = 0x100;
    /** On an NLMSG_ERROR: extended-ack attributes follow. */
    static final int NLM_F_ACK_TLVS = 0x200;

    NetlinkMessage {
        payload = payload.slice().order(ByteOrder.nativeOrder());
    }

    /** Netlink messages, like their attributes, start on 4-byte boundaries. */
    static int align(int length) {
        return (length + 3) & ~3;
    }

    /** A fresh view of the payload from {@code offset} on (native order). */
    ByteBuffer payloadFrom(int offset) {
        ByteBuffer view = payload.duplicate().order(ByteOrder.nativeOrder());
        view.position(Math.min(offset, view.limit()));
        return view.slice().order(ByteOrder.nativeOrder());
    }

    boolean isError() {
        return type == NLMSG_ERROR;
    }

    boolean isDone() {
        return type == NLMSG_DONE;
    }
}
