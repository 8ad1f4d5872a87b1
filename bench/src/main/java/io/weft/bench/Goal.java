package io.weft.bench;

import java.util.Locale;

/**
 * A figure's goal from issue 4 and how a row is judged against it: on the ratio weft/baseline,
 * on weft's own value, or nothing (reported only).
 */
public sealed interface Goal {

    /** The goal as printed in the table. */
    String text();

    /** Whether the row meets it; only called when {@link #judges()}. */
    boolean metBy(double weft, double ratio);

    default boolean judges() {
        return true;
    }

    /** weft / baseline >= x. */
    static Goal ratioAtLeast(double x) {
        return new RatioAtLeast(x);
    }

    /** weft / baseline <= x. */
    static Goal ratioAtMost(double x) {
        return new RatioAtMost(x);
    }

    /** weft <= limit, in the row's unit; {@code text} says it the way the issue does. */
    static Goal atMost(double limit, String text) {
        return new AtMost(limit, text);
    }

    /** No goal: the number is reported (the issue asks for it, or it gives context). */
    static Goal report(String text) {
        return new Report(text);
    }

    record RatioAtLeast(double x) implements Goal {
        public String text() {
            return String.format(Locale.ROOT, ">= %.1fx", x);
        }

        public boolean metBy(double weft, double ratio) {
            return ratio >= x;
        }
    }

    record RatioAtMost(double x) implements Goal {
        public String text() {
            return String.format(Locale.ROOT, "<= %.1fx", x);
        }

        public boolean metBy(double weft, double ratio) {
            return ratio <= x;
        }
    }

    record AtMost(double limit, String text) implements Goal {
        public boolean metBy(double weft, double ratio) {
            return weft <= limit;
        }
    }

    record Report(String text) implements Goal {
        public boolean metBy(double weft, double ratio) {
            return true;
        }

        @Override
        public boolean judges() {
            return false;
        }
    }
}
