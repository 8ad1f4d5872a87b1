package io.weft.bench;

import java.util.ArrayList;
import java.util.List;

/** The results table, as aligned text for the terminal and as Markdown for RESULTS.md. */
final class ResultsTable {

    private static final List<String> HEADER = List.of("figure", "measure", "weft", "baseline", "ratio", "goal", "met");

    private final List<List<String>> lines = new ArrayList<>();

    ResultsTable(List<FigureReport> reports) {
        for (FigureReport report : reports) {
            for (Row row : report.rows()) {
                lines.add(List.of(
                        row.figure(),
                        row.measure(),
                        row.weft(),
                        row.baseline(),
                        row.ratio(),
                        row.goal(),
                        row.verdict().text));
            }
        }
    }

    String text() {
        int[] widths = new int[HEADER.size()];
        for (List<String> line : withHeader()) {
            for (int c = 0; c < line.size(); c++) {
                widths[c] = Math.max(widths[c], line.get(c).length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> line : withHeader()) {
            for (int c = 0; c < line.size(); c++) {
                out.append(c == 0 ? "" : "  ").append(pad(line.get(c), widths[c]));
            }
            out.append('\n');
            if (line == HEADER) {
                for (int c = 0; c < widths.length; c++) {
                    out.append(c == 0 ? "" : "  ").append("-".repeat(widths[c]));
                }
                out.append('\n');
            }
        }
        return out.toString();
    }

    String markdown() {
        StringBuilder out = new StringBuilder();
        out.append("| ").append(String.join(" | ", HEADER)).append(" |\n");
        out.append("|").append("---|".repeat(HEADER.size())).append('\n');
        for (List<String> line : lines) {
            out.append("| ")
                    .append(String.join(
                            " | ", line.stream().map(c -> c.replace("|", "\\|")).toList()))
                    .append(" |\n");
        }
        return out.toString();
    }

    private List<List<String>> withHeader() {
        List<List<String>> all = new ArrayList<>();
        all.add(HEADER);
        all.addAll(lines);
        return all;
    }

    private static String pad(String text, int width) {
        return text + " ".repeat(width - text.length());
    }
}
