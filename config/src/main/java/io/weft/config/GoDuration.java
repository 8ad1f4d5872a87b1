package io.weft.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations written the way flannel's and etcd's flags write them: "24h", "10m", "1h30m",
 * "90s", "500ms". A bare number is seconds.
 */
public final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d{1,12})(ms|h|m|s)");

    private GoDuration() {}

    /** Parses the text; IllegalArgumentException with an example of the form when it is not a duration. */
    public static Duration parse(String text) {
        String trimmed = text.trim();
        if (trimmed.matches("\\d{1,12}")) {
            return Duration.ofSeconds(Long.parseLong(trimmed));
        }
        Matcher part = PART.matcher(trimmed);
        Duration total = Duration.ZERO;
        int at = 0;
        while (at < trimmed.length() && part.find(at) && part.start() == at) {
            long amount = Long.parseLong(part.group(1));
            total = total.plus(
                    switch (part.group(2)) {
                        case "h" -> Duration.ofHours(amount);
                        case "m" -> Duration.ofMinutes(amount);
                        case "s" -> Duration.ofSeconds(amount);
                        default -> Duration.ofMillis(amount);
                    });
            at = part.end();
        }
        if (at != trimmed.length() || trimmed.isEmpty()) {
            throw new IllegalArgumentException(
                    "\"" + text + "\" is not a duration; use e.g. 24h, 10m, 1h30m, 90s or 500ms");
        }
        return total;
    }
}
