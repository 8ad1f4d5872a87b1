package io.weft.node.netlink;

import io.weft.node.dataplane.DataplaneException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * Runs a socket-creating action inside another network namespace. A socket stays bound to the
 * namespace it was created in, so only its creation needs the switch: the action runs on a fresh
 * platform thread that enters the namespace with setns(2), and returns to the original namespace
 * before it ends (the switch is per thread, so no other thread of the process ever sees it).
 */
final class NetworkNamespace {

    private static final String OWN_NAMESPACE = "/proc/thread-self/ns/net";

    private NetworkNamespace() {}

    /** Runs {@code action} with the calling thread's view replaced by {@code namespaceFile}'s. */
    static int callIn(Path namespaceFile, IntSupplier action) {
        AtomicReference<Integer> result = new AtomicReference<>();
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        Thread thread = Thread.ofPlatform()
                .name("weft-netns-" + namespaceFile.getFileName())
                .unstarted(() -> {
                    try {
                        result.set(enterAndCall(namespaceFile, action));
                    } catch (RuntimeException e) {
                        failure.set(e);
                    }
                });
        thread.start();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DataplaneException(
                    "interrupted while entering network namespace " + namespaceFile, Errno.EINTR.value());
        }
        if (failure.get() != null) {
            throw failure.get();
        }
        return result.get();
    }

    private static int enterAndCall(Path namespaceFile, IntSupplier action) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrnoSlot(arena);
            int original = openNamespace(arena, errno, Path.of(OWN_NAMESPACE));
            try {
                int target = openNamespace(arena, errno, namespaceFile);
                try {
                    if (Libc.setns(errno, target, Libc.CLONE_NEWNET) < 0) {
                        int e = Libc.errno(errno);
                        throw new DataplaneException("setns " + namespaceFile + ": " + Errno.describe(e), e);
                    }
                } finally {
                    Libc.close(errno, target);
                }
                try {
                    return action.getAsInt();
                } finally {
                    // If this fails the thread still ends here, taking the wrong namespace with it.
                    Libc.setns(errno, original, Libc.CLONE_NEWNET);
                }
            } finally {
                Libc.close(errno, original);
            }
        }
    }

    private static int openNamespace(Arena arena, MemorySegment errno, Path file) {
        int fd = Libc.open(errno, arena.allocateFrom(file.toString()), Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd < 0) {
            int e = Libc.errno(errno);
            throw new DataplaneException("open network namespace " + file + ": " + Errno.describe(e), e);
        }
        return fd;
    }
}
