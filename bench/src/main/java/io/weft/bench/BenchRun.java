package io.weft.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One run of the selected figures: each in turn, a failure recorded as a row without stopping
 * the others; then the table on stdout and RESULTS.md next to the chart.
 */
final class BenchRun {

    static final String CHART_FILE = "latency-vs-leases.png";

    private final List<Figure> figures;
    private final Scale scale;
    private final Path repo;
    private final Path output;
    private final String command;
    private final Progress progress = new Progress(System.out);

    BenchRun(List<Figure> figures, Scale scale, Path repo, Path output, String command) {
        this.figures = figures;
        this.scale = scale;
        this.repo = repo;
        this.output = output;
        this.command = command;
    }

    /** Runs every figure; true when none failed (goals not met are results, not failures). */
    boolean run() throws IOException {
        Files.createDirectories(output);
        Path work = Files.createTempDirectory("weft-bench-");
        progress.say("weft benchmarks, " + scale.name() + " sizes, "
                + Runtime.getRuntime().availableProcessors() + " cores; scratch " + work + "; output " + output);
        BenchContext context = new BenchContext(scale, progress, repo, work, output.resolve(CHART_FILE));
        List<FigureReport> reports = new ArrayList<>();
        boolean failures = false;
        for (Figure figure : figures) {
            FigureReport report = new FigureReport(figure, progress);
            reports.add(report);
            progress.say("fig " + figure.id() + ": " + figure.title());
            try {
                figure.run(context, report);
            } catch (Exception | Error e) {
                failures = true;
                report.failed(e.toString());
                progress.say("fig " + figure.id() + " FAILED: " + e);
                e.printStackTrace(System.out);
            }
        }
        try {
            context.closeShared();
        } catch (Exception e) {
            progress.say("stopping the shared processes: " + e);
        }
        ResultsTable table = new ResultsTable(reports);
        long seconds = progress.elapsed().toSeconds();
        Path results = output.resolve("RESULTS.md");
        ResultsFile.write(results, command, scale, reports, seconds, CHART_FILE);
        System.out.println();
        System.out.print(table.text());
        System.out.println();
        progress.say("done in " + seconds + " s; wrote " + results
                + (Files.exists(output.resolve(CHART_FILE)) ? " and " + output.resolve(CHART_FILE) : ""));
        if (failures) {
            progress.say("a figure failed: logs kept in " + work);
        } else {
            delete(work);
        }
        return !failures;
    }

    private static void delete(Path directory) throws IOException {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
