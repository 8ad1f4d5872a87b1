package io.weft.node.netlink;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import io.weft.node.dataplane.DataplaneException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * An AF_NETLINK/NETLINK_ROUTE socket in one network namespace, with extended acks (the kernel's
 * error text) and capped acks (errors do not echo the whole request) turned on, and large
 * buffers so a batch of thousands of acknowledgements fits.
 *
 * <p>Not thread-safe: one thread sends and receives. Every call that reaches the kernel is
 * counted ({@link #sendCalls()}, {@link #receiveCalls()}) so tests can check that batching works.
 */
final class NetlinkSocket implements AutoCloseable {

    /** Asked for with SO_*BUFFORCE (root) and else SO_*BUF; the kernel doubles what it grants. */
    private static final int BUFFER_BYTES = 4 << 20;

    private static final int DATAGRAM_BYTES = 64 << 10;
    private static final int MMSG_SLOTS = 256;
    private static final int MMSG_SLOT_BYTES = 4096;
    private static final int MMSGHDR_BYTES = 64;
    private static final int MSGHDR_IOV = 16;
    private static final int MSGHDR_IOVLEN = 24;
    private static final int MSGHDR_FLAGS = 48;
    private static final int MMSGHDR_LEN = 56;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment errno = Libc.newErrnoSlot(arena);
    private final MemorySegment kernel = sockaddr(arena, 0);
    private final MemorySegment datagram = arena.allocate(DATAGRAM_BYTES, 8);
    private final byte[] datagramCopy = new byte[DATAGRAM_BYTES];
    private final int fd;
    private MemorySegment sendBuffer = arena.allocate(DATAGRAM_BYTES, 8);
    private MemorySegment mmsgHeaders;
    private MemorySegment mmsgSlots;
    private int sequence = (int) (System.nanoTime() & 0x3fffffff);
    private long sendCalls;
    private long receiveCalls;
    private boolean closed;

    private NetlinkSocket(int fd) {
        this.fd = fd;
    }

    /**
     * Opens a socket in the current network namespace, or in {@code namespace} (a file such as
     * /var/run/netns/NAME) when given, subscribed to the rtnetlink multicast {@code groups} bitmask
     * (RTMGRP_*; 0 for a request socket). Receives wait at most {@code receiveTimeout}.
     */
    static NetlinkSocket open(Path namespace, int groups, Duration receiveTimeout) {
        int fd = namespace == null ? createSocket() : NetworkNamespace.callIn(namespace, NetlinkSocket::createSocket);
        NetlinkSocket socket = new NetlinkSocket(fd);
        try {
            socket.configure(groups, receiveTimeout);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    private static int createSocket() {
        try (Arena local = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrnoSlot(local);
            int fd = Libc.socket(errno, Libc.AF_NETLINK, Libc.SOCK_RAW | Libc.SOCK_CLOEXEC, Libc.NETLINK_ROUTE);
            if (fd < 0) {
                int e = Libc.errno(errno);
                throw new DataplaneException("netlink socket: " + Errno.describe(e), e);
            }
            return fd;
        }
    }

    private void configure(int groups, Duration receiveTimeout) {
        setIntOption(Libc.SOL_NETLINK, Libc.NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
        setIntOption(Libc.SOL_NETLINK, Libc.NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
        if (!trySetIntOption(Libc.SOL_SOCKET, Libc.SO_RCVBUFFORCE, BUFFER_BYTES)) {
            setIntOption(Libc.SOL_SOCKET, Libc.SO_RCVBUF, BUFFER_BYTES, "SO_RCVBUF");
        }
        if (!trySetIntOption(Libc.SOL_SOCKET, Libc.SO_SNDBUFFORCE, BUFFER_BYTES)) {
            setIntOption(Libc.SOL_SOCKET, Libc.SO_SNDBUF, BUFFER_BYTES, "SO_SNDBUF");
        }
        MemorySegment timeout = arena.allocate(16, 8);
        timeout.set(JAVA_LONG, 0, receiveTimeout.toSeconds());
        timeout.set(JAVA_LONG, 8, receiveTimeout.toMillisPart() * 1000L);
        check(Libc.setsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVTIMEO, timeout), "setsockopt SO_RCVTIMEO");
        check(Libc.bind(errno, fd, sockaddr(arena, groups)), "bind");
    }

    /** struct sockaddr_nl: family, pad, port id 0 (the kernel's, or "assign one" on bind), groups. */
    private static MemorySegment sockaddr(Arena arena, int groups) {
        MemorySegment address = arena.allocate(12, 4);
        address.set(JAVA_SHORT, 0, (short) Libc.AF_NETLINK);
        address.set(JAVA_INT, 8, groups);
        return address;
    }

    int nextSequence() {
        sequence = (sequence + 1) & 0x7fffffff;
        return sequence;
    }

    /** The receive buffer the kernel granted, in bytes (what it accounts queued messages against). */
    int receiveBufferBytes() {
        MemorySegment value = arena.allocate(JAVA_INT);
        MemorySegment length = arena.allocate(JAVA_INT);
        length.set(JAVA_INT, 0, 4);
        check(Libc.getsockopt(errno, fd, Libc.SOL_SOCKET, Libc.SO_RCVBUF, value, length), "getsockopt SO_RCVBUF");
        return value.get(JAVA_INT, 0);
    }

    /** Sends all messages in {@code messages} to the kernel with one sendto. */
    void send(byte[] messages) {
        if (sendBuffer.byteSize() < messages.length) {
            sendBuffer = arena.allocate(messages.length, 8);
        }
        MemorySegment.copy(messages, 0, sendBuffer, ValueLayout.JAVA_BYTE, 0, messages.length);
        long sent;
        do {
            sendCalls++;
            sent = Libc.sendto(errno, fd, sendBuffer, messages.length, 0, kernel);
        } while (sent < 0 && Libc.errno(errno) == Errno.EINTR.value());
        check(sent, "sendto");
    }

    /**
     * Receives one datagram (one recvfrom) and answers its messages; an empty list when nothing
     * arrived within the receive timeout.
     *
     * @throws DataplaneException with errno ENOBUFS when the kernel dropped messages for this socket
     */
    List<NetlinkMessage> receive() {
        long received;
        do {
            receiveCalls++;
            received = Libc.recvfrom(errno, fd, datagram, Libc.MSG_TRUNC);
        } while (received < 0 && Libc.errno(errno) == Errno.EINTR.value());
        if (received < 0 && Libc.errno(errno) == Errno.EAGAIN.value()) {
            return List.of();
        }
        check(received, "recvfrom");
        if (received > DATAGRAM_BYTES) {
            throw new DataplaneException(
                    "netlink datagram of " + received + " bytes exceeds the " + DATAGRAM_BYTES + "-byte receive buffer",
                    Errno.EMSGSIZE.value());
        }
        MemorySegment.copy(datagram, ValueLayout.JAVA_BYTE, 0, datagramCopy, 0, (int) received);
        return parse(datagramCopy, (int) received);
    }

    /**
     * Receives up to 256 small datagrams (acknowledgements) with one recvmmsg. With {@code wait}
     * it blocks (up to the receive timeout) for the first one only; without, it never blocks.
     * Answers an empty list when nothing was queued.
     */
    List<NetlinkMessage> receiveMany(boolean wait) {
        prepareSlots();
        int count;
        do {
            receiveCalls++;
            count = Libc.recvmmsg(errno, fd, mmsgHeaders, MMSG_SLOTS, wait ? Libc.MSG_WAITFORONE : Libc.MSG_DONTWAIT);
        } while (count < 0 && Libc.errno(errno) == Errno.EINTR.value());
        if (count < 0 && Libc.errno(errno) == Errno.EAGAIN.value()) {
            return List.of();
        }
        check(count, "recvmmsg");
        List<NetlinkMessage> messages = new ArrayList<>();
        byte[] copy = new byte[MMSG_SLOT_BYTES];
        for (int i = 0; i < count; i++) {
            MemorySegment header = mmsgHeaders.asSlice((long) i * MMSGHDR_BYTES, MMSGHDR_BYTES);
            int length = header.get(JAVA_INT, MMSGHDR_LEN);
            if ((header.get(JAVA_INT, MSGHDR_FLAGS) & Libc.MSG_TRUNC) != 0) {
                throw new DataplaneException(
                        "netlink acknowledgement exceeds " + MMSG_SLOT_BYTES + " bytes", Errno.EMSGSIZE.value());
            }
            MemorySegment.copy(mmsgSlots, ValueLayout.JAVA_BYTE, (long) i * MMSG_SLOT_BYTES, copy, 0, length);
            messages.addAll(parse(copy, length));
        }
        return messages;
    }

    private static List<NetlinkMessage> parse(byte[] data, int length) {
        try {
            return NetlinkMessageReader.read(data, length);
        } catch (IllegalArgumentException e) {
            throw new DataplaneException(
                    "netlink: malformed message from the kernel: " + e.getMessage(), Errno.EPROTO.value());
        }
    }

    /** struct mmsghdr[256], each with one iovec onto its own 4 KiB slot; built once. */
    private void prepareSlots() {
        if (mmsgHeaders != null) {
            return;
        }
        mmsgHeaders = arena.allocate((long) MMSG_SLOTS * MMSGHDR_BYTES, 8);
        mmsgSlots = arena.allocate((long) MMSG_SLOTS * MMSG_SLOT_BYTES, 8);
        MemorySegment iovecs = arena.allocate((long) MMSG_SLOTS * 16, 8);
        for (int i = 0; i < MMSG_SLOTS; i++) {
            MemorySegment iovec = iovecs.asSlice(i * 16L, 16);
            iovec.set(ADDRESS, 0, mmsgSlots.asSlice((long) i * MMSG_SLOT_BYTES, MMSG_SLOT_BYTES));
            iovec.set(JAVA_LONG, 8, MMSG_SLOT_BYTES);
            MemorySegment header = mmsgHeaders.asSlice((long) i * MMSGHDR_BYTES, MMSGHDR_BYTES);
            header.set(ADDRESS, MSGHDR_IOV, iovec);
            header.set(JAVA_LONG, MSGHDR_IOVLEN, 1);
        }
    }

    long sendCalls() {
        return sendCalls;
    }

    long receiveCalls() {
        return receiveCalls;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            Libc.close(errno, fd);
            arena.close();
        }
    }

    private boolean trySetIntOption(int level, int option, int value) {
        MemorySegment segment = arena.allocate(JAVA_INT);
        segment.set(JAVA_INT, 0, value);
        return Libc.setsockopt(errno, fd, level, option, segment) == 0;
    }

    private void setIntOption(int level, int option, int value, String name) {
        if (!trySetIntOption(level, option, value)) {
            check(-1, "setsockopt " + name);
        }
    }

    private void check(long result, String call) {
        if (result < 0) {
            int e = Libc.errno(errno);
            throw new DataplaneException("netlink " + call + ": " + Errno.describe(e), e);
        }
    }
}
