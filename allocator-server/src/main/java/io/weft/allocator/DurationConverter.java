package io.weft.allocator;

import java.time.Duration;
import picocli.CommandLine;

/** picocli's converter for duration flags ("24h", "10m", "1h30m"); see {@link io.weft.config.GoDuration}. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

    @Override
    public Duration convert(String text) {
        try {
            return io.weft.config.GoDuration.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }
}
