package io.weft.faults;

import java.time.Instant;

/**
 * A call that the server completed (its write committed) but whose reply the suite dropped on
 * the way back, failing the call to the node with {@code UNAVAILABLE}; see {@link ReplyDropper}.
 *
 * @param node the node that asked
 * @param call which write: {@link Call#ACQUIRE}, {@link Call#RENEW} or {@link Call#RELEASE}
 * @param subnet the lease's subnet in the dropped reply (for a release: the one asked for)
 * @param revision the lease's mod revision in the dropped reply (for a release: the deletion's)
 * @param at when the reply was dropped, on the node's clock
 */
record DroppedReply(String node, Call call, String subnet, long revision, Instant at) {

    enum Call {
        ACQUIRE,
        RENEW,
        RELEASE
    }

    /** Whether the dropped reply named a lease the node then held (an acquisition or renewal). */
    boolean namedLease() {
        return call != Call.RELEASE;
    }
}
