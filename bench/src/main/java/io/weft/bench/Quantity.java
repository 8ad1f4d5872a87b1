package io.weft.bench;

import java.util.Locale;

/** A measured number with its unit, formatted for the results table. */
public record Quantity(double value, Unit unit) {

    public enum Unit {
        PER_SECOND,
        MILLIS,
        BYTES,
        COUNT
    }

    public static Quantity perSecond(double value) {
        return new Quantity(value, Unit.PER_SECOND);
    }

    public static Quantity millis(double value) {
        return new Quantity(value, Unit.MILLIS);
    }

    public static Quantity nanosAsMillis(long nanos) {
        return new Quantity(nanos / 1e6, Unit.MILLIS);
    }

    public static Quantity bytes(double value) {
        return new Quantity(value, Unit.BYTES);
    }

    public static Quantity count(double value) {
        return new Quantity(value, Unit.COUNT);
    }

    @Override
    public String toString() {
        return switch (unit) {
            case PER_SECOND -> String.format(Locale.ROOT, "%,.0f/s", value);
            case MILLIS ->
                value >= 100
                        ? String.format(Locale.ROOT, "%,.0f ms", value)
                        : String.format(Locale.ROOT, "%.2f ms", value);
            case BYTES -> bytesText(value);
            case COUNT ->
                value == Math.rint(value)
                        ? String.format(Locale.ROOT, "%,.0f", value)
                        : String.format(Locale.ROOT, "%.3f", value);
        };
    }

    private static String bytesText(double bytes) {
        double magnitude = Math.abs(bytes);
        if (magnitude >= 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024 * 1024));
        }
        if (magnitude >= 10 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024);
        }
        return String.format(Locale.ROOT, "%.0f B", bytes);
    }
}
