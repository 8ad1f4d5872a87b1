package io.weft.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.bench.figures.AcquisitionThroughputFigure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the harness runs: figure 1 at a tiny size (real etcd, allocator-server in its own JVM,
 * a few hundred milliseconds of load) reports its rows. No timing is asserted: performance is
 * what {@code bench/run} reports, not something a test judges.
 */
@Timeout(120)
class BenchHarnessIT {

    @TempDir
    Path work;

    @Test
    void figureOneReportsARowPerConcurrencyLevel() throws Exception {
        Scale tiny = new Scale(
                "tiny",
                Duration.ofMillis(200),
                Duration.ofMillis(300),
                List.of(1, 4),
                1,
                List.of(10),
                5,
                5,
                10,
                5,
                10,
                5,
                Duration.ofMillis(10),
                16,
                5,
                1);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        Progress progress = new Progress(new PrintStream(printed, true, StandardCharsets.UTF_8));
        Figure figure = new AcquisitionThroughputFigure();
        FigureReport report = new FigureReport(figure, progress);

        figure.run(
                new BenchContext(tiny, progress, Path.of("..").toAbsolutePath(), work, work.resolve("chart.png")),
                report);

        assertThat(report.rows())
                .extracting(Row::measure)
                .containsExactly(
                        "new leases/s, 1 client",
                        "new leases/s, 4 clients, one connection each",
                        "new leases/s, 4 calls in flight on one connection",
                        "without group commit: new leases/s, 4 clients, one connection each",
                        "without group commit: new leases/s, 4 calls on one connection");
        assertThat(report.rows()).allSatisfy(row -> {
            assertThat(row.verdict()).isNotIn(Row.Verdict.FAILED, Row.Verdict.SKIPPED);
            assertThat(row.weft()).endsWith("/s").isNotEqualTo("0/s");
            assertThat(row.baseline()).endsWith("/s").isNotEqualTo("0/s");
        });
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("fig 1: 4 clients, round 1 of 1: weft for 300 ms");
        String results = new ResultsTable(List.of(report)).markdown();
        assertThat(results).contains("| 1 | new leases/s, 4 clients, one connection each |");
    }
}
