package io.weft.bench;

import java.util.ArrayList;
import java.util.List;

/** What one figure reports: table rows and free-text notes. Not thread-safe. */
public final class FigureReport {

    private final Figure figure;
    private final Progress progress;
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    FigureReport(Figure figure, Progress progress) {
        this.figure = figure;
        this.progress = progress;
    }

    /** A measured row; the verdict follows from the goal. */
    public void row(String measure, Quantity weft, Quantity baseline, Goal goal) {
        rows.add(Row.measured(figure.id(), measure, weft, baseline, goal));
        progress.say("fig " + figure.id() + " result: " + rows.getLast().oneLine());
    }

    /** A row that could not be measured here, with the reason. */
    public void skipped(String measure, String reason, Goal goal) {
        rows.add(Row.skipped(figure.id(), measure, reason, goal));
        progress.say("fig " + figure.id() + " result: " + rows.getLast().oneLine());
    }

    void failed(String what) {
        rows.add(Row.failed(figure.id(), figure.title(), what));
    }

    /** A sentence for RESULTS.md: how it was measured, what limits it, counts behind a figure. */
    public void note(String text) {
        notes.add(text);
    }

    public Figure figure() {
        return figure;
    }

    public List<Row> rows() {
        return List.copyOf(rows);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }
}
