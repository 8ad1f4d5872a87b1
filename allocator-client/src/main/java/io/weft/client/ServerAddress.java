package io.weft.client;

import java.util.ArrayList;
import java.util.List;

/**
 * One allocator server's gRPC address: a host name or IP literal and a port.
 *
 * <p>Written as {@code HOST:PORT}, with IPv6 literals in brackets ({@code [::1]:7070}); the port
 * may be left out, in which case it is {@link #DEFAULT_PORT}.
 */
public record ServerAddress(String host, int port) {

    /** The gRPC port allocator-server listens on by default. */
    public static final int DEFAULT_PORT = 7070;

    public ServerAddress {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("server address: the host is empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException(
                    "server address: port " + port + " is outside 1..65535");
        }
    }

    /**
     * Parses {@code HOST[:PORT]} or {@code [IPV6][:PORT]}, the port defaulting to {@link #DEFAULT_PORT}.
     *
     * @throws IllegalArgumentException naming the bad text when it is not an address
     */
    public static ServerAddress parse(String text) {
        return parse(text, DEFAULT_PORT);
    }

    /**
     * Parses {@code HOST[:PORT]} or {@code [IPV6][:PORT]} for a listener whose own default port
     * is not the allocator's gRPC port (weft-node's HTTP port, for instance).
     *
     * @throws IllegalArgumentException naming the bad text when it is not an address
     */
    public static ServerAddress parse(String text, int defaultPort) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("server address: empty, expected HOST:PORT");
        }
        String host;
        String port;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException(
                        "server address \"" + trimmed + "\": missing ']' after the IPv6 address");
            }
            host = trimmed.substring(1, close);
            String rest = trimmed.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException(
                        "server address \"" + trimmed + "\": expected ':' after ']'");
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = trimmed.indexOf(':');
            if (colon >= 0 && trimmed.indexOf(':', colon + 1) >= 0) {
                throw new IllegalArgumentException("server address \"" + trimmed
                        + "\": put an IPv6 address in brackets, e.g. [::1]:" + DEFAULT_PORT);
            }
            host = colon < 0 ? trimmed : trimmed.substring(0, colon);
            port = colon < 0 ? null : trimmed.substring(colon + 1);
        }
        return new ServerAddress(host, port == null ? defaultPort : parsePort(trimmed, port));
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

    private static int parsePort(String whole, String port) {
        try {
            return Integer.parseInt(port);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "server address \"" + whole + "\": port \"" + port + "\" is not a number");
        }
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
