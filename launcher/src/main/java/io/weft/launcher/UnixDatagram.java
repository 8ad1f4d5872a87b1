package io.weft.launcher;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;

/**
 * A Unix datagram socket (AF_UNIX, SOCK_DGRAM), which the JDK's channels do not offer: what the
 * systemd notify protocol runs over. Addresses are paths, or abstract names written with a
 * leading {@code @}, as in {@code NOTIFY_SOCKET}. Bound through the FFM linker (64-bit Linux).
 */
public final class UnixDatagram implements AutoCloseable {

    private static final int AF_UNIX = 1;
    private static final int SOCK_DGRAM = 2;
    private static final int SOCK_CLOEXEC = 0x80000;
    private static final int SOL_SOCKET = 1;
    private static final int SO_RCVTIMEO = 20;
    private static final int MSG_NOSIGNAL = 0x4000;
    /** sizeof(struct sockaddr_un): a 2-byte family and 108 bytes of path. */
    private static final int SOCKADDR_UN_SIZE = 110;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle SOCKET =
            bind("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle BIND = bind("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETSOCKOPT =
            bind("setsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SENDTO =
            bind("sendto", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle RECV =
            bind("recv", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle CLOSE = bind("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    private final int fd;

    private UnixDatagram(int fd) {
        this.fd = fd;
    }

    /** An unbound socket, for sending. */
    public static UnixDatagram open() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            int fd = (int) SOCKET.invokeExact(errno, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            check(fd, errno, "socket(AF_UNIX, SOCK_DGRAM)");
            return new UnixDatagram(fd);
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("socket(AF_UNIX, SOCK_DGRAM) failed: " + e, e);
        }
    }

    /** A socket bound to the address, for receiving. */
    public static UnixDatagram bound(String address) throws IOException {
        UnixDatagram socket = open();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            MemorySegment sockaddr = sockaddr(arena, address);
            check(
                    (int) BIND.invokeExact(errno, socket.fd, sockaddr, (int) sockaddr.byteSize()),
                    errno,
                    "bind(" + address + ")");
            return socket;
        } catch (Throwable e) {
            socket.close();
            throw e instanceof IOException io ? io : new IOException("bind(" + address + ") failed: " + e, e);
        }
    }

    /** Sends one datagram to the address. */
    public void send(String address, byte[] message) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            MemorySegment sockaddr = sockaddr(arena, address);
            MemorySegment buffer = arena.allocateFrom(JAVA_BYTE, message);
            long sent = (long) SENDTO.invokeExact(
                    errno, fd, buffer, (long) message.length, MSG_NOSIGNAL, sockaddr, (int) sockaddr.byteSize());
            check(sent, errno, "sendto(" + address + ")");
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("sendto(" + address + ") failed: " + e, e);
        }
    }

    /** The next datagram, or empty when none arrives within the timeout. */
    public Optional<byte[]> receive(Duration timeout) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = arena.allocate(CAPTURE);
            MemorySegment timeval = arena.allocate(16);
            timeval.set(JAVA_LONG, 0, timeout.toSeconds());
            timeval.set(JAVA_LONG, 8, timeout.toNanosPart() / 1000);
            check(
                    (int) SETSOCKOPT.invokeExact(errno, fd, SOL_SOCKET, SO_RCVTIMEO, timeval, 16),
                    errno,
                    "setsockopt(SO_RCVTIMEO)");
            MemorySegment buffer = arena.allocate(4096);
            long received = (long) RECV.invokeExact(errno, fd, buffer, 4096L, 0);
            if (received < 0) {
                int code = (int) ERRNO.get(errno, 0L);
                if (code == 11) { // EAGAIN: the timeout passed
                    return Optional.empty();
                }
                throw new IOException("recv failed: errno " + code);
            }
            return Optional.of(Arrays.copyOf(buffer.toArray(JAVA_BYTE), (int) received));
        } catch (IOException e) {
            throw e;
        } catch (Throwable e) {
            throw new IOException("recv failed: " + e, e);
        }
    }

    @Override
    public void close() {
        try (Arena arena = Arena.ofConfined()) {
            int ignored = (int) CLOSE.invokeExact(arena.allocate(CAPTURE), fd);
        } catch (Throwable e) {
            // nothing to do: the descriptor is gone either way
        }
    }

    /** struct sockaddr_un for a path, or for an abstract name ("@name": a leading NUL byte, no trailing one). */
    private static MemorySegment sockaddr(Arena arena, String address) throws IOException {
        boolean abstractName = address.startsWith("@");
        byte[] path = (abstractName ? address.substring(1) : address).getBytes(StandardCharsets.UTF_8);
        int length = 2 + (abstractName ? 1 + path.length : path.length + 1);
        if (address.isEmpty() || length > SOCKADDR_UN_SIZE) {
            throw new IOException("not a Unix socket address: \"" + address + "\"");
        }
        MemorySegment sockaddr = arena.allocate(length);
        sockaddr.set(JAVA_SHORT, 0, (short) AF_UNIX);
        MemorySegment.copy(path, 0, sockaddr, JAVA_BYTE, abstractName ? 3 : 2, path.length);
        return sockaddr;
    }

    private static void check(long result, MemorySegment errno, String call) throws IOException {
        if (result < 0) {
            throw new IOException(call + " failed: errno " + (int) ERRNO.get(errno, 0L));
        }
    }

    @SuppressWarnings("restricted") // the point of this class; the launchers enable native access
    private static MethodHandle bind(String name, FunctionDescriptor descriptor) {
        MemorySegment symbol = LINKER.defaultLookup()
                .find(name)
                .orElseThrow(() -> new IllegalStateException("libc has no symbol " + name));
        return LINKER.downcallHandle(symbol, descriptor, Linker.Option.captureCallState("errno"));
    }
}
