package io.weft.launcher;

import io.weft.config.HostPort;
import java.net.InetSocketAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Reads a {@code HOST[:PORT]} flag with {@link HostPort}, the port defaulting to the one the flag's
 * own subclass names (each listener has its own). picocli names the flag in the error line.
 */
public abstract class HostPortConverter implements ITypeConverter<InetSocketAddress> {

    private final int defaultPort;

    protected HostPortConverter(int defaultPort) {
        this.defaultPort = defaultPort;
    }

    @Override
    public InetSocketAddress convert(String text) {
        try {
            return HostPort.parse(text, defaultPort).socketAddress();
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
