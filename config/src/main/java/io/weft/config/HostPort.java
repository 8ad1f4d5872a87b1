package io.weft.config;

import java.net.InetSocketAddress;

/**
 * A host and a port written {@code HOST[:PORT]}, IPv6 literals in brackets ({@code [::1]:7070},
 * {@code [::]}). The one parser of every weft flag, config value and list that names an address;
 * the port, when left out, is the one the caller gives (each listener and client has its own).
 *
 * @param host a host name or an IP literal, without brackets
 * @param port 0..65535 (0 asks a listener for any free port)
 */
public record HostPort(String host, int port) {

    public HostPort {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("the host is empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is outside 0..65535");
        }
    }

    /**
     * Parses {@code HOST[:PORT]} or {@code [IPV6][:PORT]}.
     *
     * @param defaultPort the port when the text names none
     * @throws IllegalArgumentException saying what is wrong and how to write it; it does not repeat
     *                                  the text's origin (a flag, a list), which the caller adds
     */
    public static HostPort parse(String text, int defaultPort) {
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("empty, expected HOST:PORT, e.g. 127.0.0.1:" + defaultPort);
        }
        String host;
        String port;
        if (trimmed.startsWith("[")) {
            int close = trimmed.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("\"" + trimmed + "\": missing ']' after the IPv6 address");
            }
            host = trimmed.substring(1, close);
            String rest = trimmed.substring(close + 1);
            if (!rest.isEmpty() && !rest.startsWith(":")) {
                throw new IllegalArgumentException("\"" + trimmed + "\": expected ':' after ']'");
            }
            port = rest.isEmpty() ? null : rest.substring(1);
        } else {
            int colon = trimmed.indexOf(':');
            if (colon >= 0 && trimmed.indexOf(':', colon + 1) >= 0) {
                // "::1:7070" could be the host ::1 on port 7070 or the address ::1:7070: brackets say which.
                throw new IllegalArgumentException(
                        "\"" + trimmed + "\": put an IPv6 address in brackets, e.g. [::1]:" + defaultPort);
            }
            host = colon < 0 ? trimmed : trimmed.substring(0, colon);
            port = colon < 0 ? null : trimmed.substring(colon + 1);
        }
        if (host.isBlank()) {
            throw new IllegalArgumentException("\"" + trimmed + "\": the host is empty, e.g. 127.0.0.1:" + defaultPort);
        }
        int number = port == null ? defaultPort : number(trimmed, port);
        if (number > 65535) {
            throw new IllegalArgumentException("\"" + trimmed + "\": port " + number + " is outside 0..65535");
        }
        return new HostPort(host, number);
    }

    /** The socket address to bind or dial, its host name resolved. */
    public InetSocketAddress socketAddress() {
        return new InetSocketAddress(host, port);
    }

    private static int number(String whole, String port) {
        if (!port.matches("\\d{1,5}")) {
            throw new IllegalArgumentException("\"" + whole + "\": port \"" + port + "\" is not a number 0..65535");
        }
        return Integer.parseInt(port);
    }

    /** {@code HOST:PORT}, an IPv6 host in brackets: text {@link #parse} reads back. */
    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
