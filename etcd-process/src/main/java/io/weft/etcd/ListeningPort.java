package io.weft.etcd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Which process listens on a loopback TCP port, read from Linux procfs.
 *
 * <p>{@link EtcdProcess} needs this because a free port it picked may be taken by someone else
 * before etcd binds it. If that someone is another etcd, {@code /health} on the port answers
 * {@code true} although our etcd is about to exit with "address already in use". Checking that
 * the listening socket belongs to our process closes that gap.
 *
 * @param port the TCP port
 */
record ListeningPort(int port) {

    private static final Path TCP_TABLE = Path.of("/proc/net/tcp");
    private static final String LISTEN_STATE = "0A";

    /**
     * Whether process {@code pid} holds an IPv4 socket listening on this port; false for a process
     * that has exited; empty when procfs cannot tell (not Linux).
     */
    Optional<Boolean> isHeldBy(long pid) {
        Path fds = Path.of("/proc", Long.toString(pid), "fd");
        if (!Files.isReadable(TCP_TABLE)) {
            return Optional.empty();
        }
        if (!Files.isDirectory(fds)) {
            // procfs works but the process has no descriptors left: it exited (e.g. on
            // "address already in use" while another etcd answered on the port).
            return Optional.of(false);
        }
        try {
            Set<String> socketInodes = socketInodes(fds);
            List<String> listeners = listeningInodes(Files.readAllLines(TCP_TABLE));
            return Optional.of(listeners.stream().anyMatch(socketInodes::contains));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Inodes of the sockets listening on this port, from the lines of {@code /proc/net/tcp}. */
    List<String> listeningInodes(List<String> tcpTable) {
        String localPortSuffix = ":" + String.format(Locale.ROOT, "%04X", port);
        return tcpTable.stream()
                .skip(1) // column headers
                .map(line -> line.trim().split("\\s+"))
                .filter(fields -> fields.length > 9)
                .filter(fields -> fields[1].endsWith(localPortSuffix) && fields[3].equals(LISTEN_STATE))
                .map(fields -> fields[9])
                .toList();
    }

    private static Set<String> socketInodes(Path fds) throws IOException {
        Set<String> inodes = new HashSet<>();
        try (Stream<Path> entries = Files.list(fds)) {
            for (Path fd : entries.toList()) {
                try {
                    String target = Files.readSymbolicLink(fd).toString(); // "socket:[12345]"
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        inodes.add(target.substring("socket:[".length(), target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor went away between listing and reading; it was not the listener
                }
            }
        }
        return inodes;
    }
}
