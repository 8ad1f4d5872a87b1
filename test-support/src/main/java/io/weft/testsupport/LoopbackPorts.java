package io.weft.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/** Ports for a process this JVM launches, where it cannot be told to pick its own (port 0). */
public final class LoopbackPorts {

    private LoopbackPorts() {}

    /** A loopback port free at the time of asking. Another process may take it before it is used. */
    public static int free() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }
}
