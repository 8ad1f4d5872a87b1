package io.weft.client;

import io.weft.config.HostPort;
import java.util.ArrayList;
import java.util.List;

/**
 * One allocator server's gRPC address: a host name or IP literal and a port.
 *
 * <p>Written as {@code HOST:PORT}, with IPv6 literals in brackets ({@code [::1]:7070}); the port
 * may be left out, in which case it is {@link #DEFAULT_PORT}. Parsed by {@link HostPort}, as every
 * address weft reads; a server address must name a port to dial, so port 0 is refused.
 */
public record ServerAddress(String host, int port) {

    /** The gRPC port allocator-server listens on by default. */
    public static final int DEFAULT_PORT = 7070;

    public ServerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("server address: the host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("server address: port " + port + " is outside 1..65535");
        }
    }

    /**
     * Parses {@code HOST[:PORT]} or {@code [IPV6][:PORT]}, the port defaulting to {@link #DEFAULT_PORT}.
     *
     * @throws IllegalArgumentException naming the bad text when it is not an address
     */
    public static ServerAddress parse(String text) {
        HostPort parsed;
        try {
            parsed = HostPort.parse(text, DEFAULT_PORT);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("server address: " + e.getMessage(), e);
        }
        return new ServerAddress(parsed.host(), parsed.port());
    }

    /** Parses a comma-separated list such as {@code "10.0.0.1:7070,10.0.0.2:7070"}. */
    public static List<ServerAddress> parseList(String text) {
        List<ServerAddress> addresses = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(",")) {
            if (!part.isBlank()) {
                addresses.add(parse(part));
            }
        }
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("server address: empty, expected HOST:PORT");
        }
        return List.copyOf(addresses);
    }

    @Override
    public String toString() {
        return new HostPort(host, port).toString();
    }
}
