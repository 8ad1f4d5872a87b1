package io.weft.node.netlink;

import io.weft.node.dataplane.DataplaneException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Request and answer over a {@link NetlinkSocket}: one request with NLM_F_ACK answered by its
 * replies and an acknowledgement, or one dump answered by multi-part replies up to NLMSG_DONE.
 * Answers to earlier requests (another sequence number) are skipped. Not thread-safe.
 */
final class NetlinkChannel implements AutoCloseable {

    /** Writes one request with the given sequence number (flags include NLM_F_REQUEST). */
    @FunctionalInterface
    interface RequestEncoder {
        void encode(NetlinkMessageWriter writer, int sequence);
    }

    /** What the kernel sent back for one request: any replies, then the acknowledgement. */
    record Answer(List<NetlinkMessage> replies, NetlinkAck ack) {}

    private static final int DUMP_ATTEMPTS = 5;

    private final NetlinkSocket socket;

    NetlinkChannel(NetlinkSocket socket) {
        this.socket = socket;
    }

    NetlinkSocket socket() {
        return socket;
    }

    /** Sends one request (the encoder must set NLM_F_ACK) and answers whatever the kernel said. */
    Answer exchange(String description, RequestEncoder encoder) {
        int sequence = send(encoder);
        List<NetlinkMessage> replies = new ArrayList<>();
        while (true) {
            for (NetlinkMessage message : receiveOrTimeout(description)) {
                if (message.sequence() != sequence) {
                    continue;
                }
                if (message.isError()) {
                    return new Answer(replies, NetlinkAck.parse(message));
                }
                replies.add(message);
            }
        }
    }

    /**
     * Sends one request and answers its replies; a kernel error, except one of {@code tolerated},
     * becomes a DataplaneException "DESCRIPTION: kernel text (ERRNO)".
     */
    List<NetlinkMessage> request(String description, RequestEncoder encoder, Errno... tolerated) {
        Answer answer = exchange(description, encoder);
        NetlinkAck ack = answer.ack();
        if (!ack.succeeded() && Arrays.stream(tolerated).noneMatch(e -> e.value() == ack.errno())) {
            throw new DataplaneException(description + ": " + ack.reason(), ack.errno());
        }
        return answer.replies();
    }

    /**
     * Sends a dump request (the encoder sets NLM_F_DUMP) and answers every reply up to NLMSG_DONE.
     * A dump the kernel marks inconsistent (the table changed meanwhile) is retried.
     */
    List<NetlinkMessage> dump(String description, RequestEncoder encoder) {
        for (int attempt = 1; ; attempt++) {
            List<NetlinkMessage> replies = new ArrayList<>();
            boolean interrupted = dumpOnce(description, encoder, replies);
            if (!interrupted || attempt == DUMP_ATTEMPTS) {
                return replies;
            }
        }
    }

    /** Answers whether the kernel flagged the dump as interrupted. */
    private boolean dumpOnce(String description, RequestEncoder encoder, List<NetlinkMessage> replies) {
        int sequence = send(encoder);
        boolean interrupted = false;
        while (true) {
            for (NetlinkMessage message : receiveOrTimeout(description)) {
                if (message.sequence() != sequence) {
                    continue;
                }
                interrupted |= (message.flags() & NetlinkMessage.NLM_F_DUMP_INTR) != 0;
                if (message.isError()) {
                    NetlinkAck ack = NetlinkAck.parse(message);
                    throw new DataplaneException(description + ": " + ack.reason(), ack.errno());
                }
                if (message.isDone()) {
                    int error = message.payloadFrom(0).remaining() >= 4
                            ? -message.payloadFrom(0).getInt(0)
                            : 0;
                    if (error > 0) {
                        throw new DataplaneException(description + ": " + Errno.describe(error), error);
                    }
                    return interrupted;
                }
                replies.add(message);
            }
        }
    }

    private int send(RequestEncoder encoder) {
        int sequence = socket.nextSequence();
        NetlinkMessageWriter writer = new NetlinkMessageWriter();
        encoder.encode(writer, sequence);
        socket.send(writer.toByteArray());
        return sequence;
    }

    private List<NetlinkMessage> receiveOrTimeout(String description) {
        List<NetlinkMessage> messages = socket.receive();
        if (messages.isEmpty()) {
            throw new DataplaneException(
                    description + ": the kernel did not answer in time (ETIMEDOUT)", Errno.ETIMEDOUT.value());
        }
        return messages;
    }

    @Override
    public void close() {
        socket.close();
    }
}
