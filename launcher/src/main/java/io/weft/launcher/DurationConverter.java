package io.weft.launcher;

import io.weft.config.GoDuration;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Every duration flag of every launcher: Go-style ({@code 90s}, {@code 1m30s}, {@code 24h},
 * {@code 500ms}) or plain seconds ({@code 45}), as {@link GoDuration} reads them.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        try {
            return GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
