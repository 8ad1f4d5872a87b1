package io.weft.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * The two loopback TCP ports of one member.
 *
 * <p>Free ports are found by binding port 0 on 127.0.0.1 and closing the socket again. Another
 * process may take such a port before etcd binds it; {@link EtcdProcess} and
 * {@link EtcdCluster} therefore retry with fresh ports when etcd reports "address already in use".
 *
 * @param client the port clients, {@code /health} and {@code /metrics} are served on
 * @param peer the port other members replicate raft messages through
 */
public record EtcdPorts(int client, int peer) {

    /** The only address members listen on. */
    public static final String HOST = "127.0.0.1";

    static final InetAddress LOOPBACK = loopbackIpv4();

    public EtcdPorts {
        checkPort("client", client);
        checkPort("peer", peer);
        if (client == peer) {
            throw new IllegalArgumentException("client and peer port must differ, both are " + client);
        }
    }

    /** Picks one pair of currently free loopback ports. */
    public static EtcdPorts pickFree() {
        return pickFree(1).getFirst();
    }

    /**
     * Picks {@code members} pairs of currently free loopback ports, all distinct, so that every
     * member of a cluster can be told its peers' addresses before any member starts.
     */
    public static List<EtcdPorts> pickFree(int members) {
        if (members < 1) {
            throw new IllegalArgumentException("members must be at least 1, got " + members);
        }
        // All sockets stay open until every port is chosen, so the kernel cannot hand out a port twice.
        List<ServerSocket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 2 * members; i++) {
                held.add(new ServerSocket(0, 1, LOOPBACK));
            }
            List<EtcdPorts> ports = new ArrayList<>();
            for (int i = 0; i < members; i++) {
                ports.add(new EtcdPorts(
                        held.get(2 * i).getLocalPort(), held.get(2 * i + 1).getLocalPort()));
            }
            return List.copyOf(ports);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a free port on 127.0.0.1", e);
        } finally {
            for (ServerSocket socket : held) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // The port is released either way once the process forgets the socket.
                }
            }
        }
    }

    private static InetAddress loopbackIpv4() {
        try {
            // A literal address: no name lookup, and never ::1 even if the JVM prefers IPv6.
            return InetAddress.getByAddress(HOST, new byte[] {127, 0, 0, 1});
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void checkPort(String which, int port) {
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(which + " port must be in 1..65535, got " + port);
        }
    }
}
