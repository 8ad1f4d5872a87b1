package io.weft.allocator;

import java.net.InetSocketAddress;
import picocli.CommandLine;

/** Parses "HOST:PORT" (IPv6 hosts in brackets: "[::1]:7070") into a socket address. */
public final class HostPort implements CommandLine.ITypeConverter<InetSocketAddress> {

    @Override
    public InetSocketAddress convert(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new CommandLine.TypeConversionException("\"" + text + "\" is not HOST:PORT, e.g. 127.0.0.1:7070");
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("\"" + text + "\": the port must be a number 0..65535");
        }
        if (port < 0 || port > 65535) {
            throw new CommandLine.TypeConversionException("\"" + text + "\": the port must be 0..65535");
        }
        return new InetSocketAddress(host, port);
    }
}
