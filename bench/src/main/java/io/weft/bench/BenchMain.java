package io.weft.bench;

import io.weft.bench.figures.AcquisitionThroughputFigure;
import io.weft.bench.figures.EtcdCostFigure;
import io.weft.bench.figures.FlatCostFigure;
import io.weft.bench.figures.NodeAgentFigure;
import io.weft.bench.figures.ServerMemoryFigure;
import io.weft.bench.figures.StartupFigure;
import io.weft.bench.figures.WatchFanoutFigure;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Runs the benchmark suite: {@code bench/run [--quick] [--only 1,3]}. Every figure of issue 4
 * is one {@link Figure} in {@link #FIGURES}; add a figure by adding it there.
 */
public final class BenchMain {

    /** Every figure, in the order they run. */
    static final List<Figure> FIGURES = List.of(
            new AcquisitionThroughputFigure(),
            new FlatCostFigure(),
            new EtcdCostFigure(),
            new WatchFanoutFigure(),
            new io.weft.bench.figures.ReconnectStormFigure(),
            new io.weft.bench.figures.IdleWatchersFigure(),
            new io.weft.bench.dataplane.DataplaneFigure(),
            new ServerMemoryFigure(),
            new io.weft.bench.figures.LargeNetworkFigure(),
            new NodeAgentFigure(),
            new io.weft.bench.figures.NodeBigNetworkFigure(),
            new StartupFigure(),
            new io.weft.bench.jmh.MicroBenchmarksFigure());

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            System.out.println(BenchOptions.USAGE);
            return;
        }
        BenchOptions options;
        try {
            options = BenchOptions.parse(arguments);
        } catch (IllegalArgumentException e) {
            System.err.println("bench: " + e.getMessage() + "\n" + BenchOptions.USAGE);
            System.exit(2);
            return;
        }
        Path repo = Path.of(System.getProperty("weft.bench.repo", "."))
                .toAbsolutePath()
                .normalize();
        String command = System.getProperty("weft.bench.command", "bench/run " + String.join(" ", args))
                .trim();
        Path output = options.quick() ? repo.resolve("bench/target/quick") : repo.resolve("bench");
        Scale scale = options.quick() ? Scale.quick() : Scale.full();
        // On Ctrl-C, stop the etcd, server and client processes this run started.
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform()
                        .unstarted(() -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroy)));
        boolean allPassed =
                new BenchRun(FIGURES.stream().filter(options::selects).toList(), scale, repo, output, command).run();
        System.exit(allPassed ? 0 : 1);
    }
}
