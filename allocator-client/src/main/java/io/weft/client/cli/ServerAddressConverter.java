package io.weft.client.cli;

import io.weft.client.ServerAddress;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads {@code --server} values, turning a malformed address into a usage error. */
enum ServerAddressConverter implements ITypeConverter<ServerAddress> {
    INSTANCE;

    @Override
    public ServerAddress convert(String value) {
        try {
            return ServerAddress.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
