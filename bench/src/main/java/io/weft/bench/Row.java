package io.weft.bench;

import java.util.Locale;

/**
 * One line of the results table: figure, what, weft's value, the baseline's, their ratio, the
 * goal and whether it is met.
 */
public record Row(
        String figure, String measure, String weft, String baseline, String ratio, String goal, Verdict verdict) {

    public enum Verdict {
        MET("yes"),
        NOT_MET("NO"),
        REPORTED("(report)"),
        SKIPPED("skipped"),
        FAILED("FAILED");

        final String text;

        Verdict(String text) {
            this.text = text;
        }
    }

    static Row measured(String figure, String measure, Quantity weft, Quantity baseline, Goal goal) {
        // A ratio against a baseline at or below zero means nothing, and a ratio goal is then not met.
        double ratio = baseline == null || baseline.value() <= 0 ? Double.NaN : weft.value() / baseline.value();
        Verdict verdict;
        if (!goal.judges()) {
            verdict = Verdict.REPORTED;
        } else {
            verdict = goal.metBy(weft.value(), ratio) ? Verdict.MET : Verdict.NOT_MET;
        }
        return new Row(
                figure,
                measure,
                weft.toString(),
                baseline == null ? "-" : baseline.toString(),
                Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.2fx", ratio),
                goal.text(),
                verdict);
    }

    static Row skipped(String figure, String measure, String reason, Goal goal) {
        return new Row(figure, measure, "skipped: " + reason, "-", "-", goal.text(), Verdict.SKIPPED);
    }

    static Row failed(String figure, String measure, String what) {
        return new Row(figure, measure, "failed: " + what, "-", "-", "-", Verdict.FAILED);
    }

    String oneLine() {
        return measure + ": weft " + weft + ", baseline " + baseline + ", ratio " + ratio + ", goal " + goal + " -> "
                + verdict.text;
    }
}
