package io.weft.bench;

import io.weft.bench.lab.LeasePopulation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every figure gets: the sizes of this run, progress output, a scratch directory (etcd
 * data, process logs) and how to start a Java child process on the suite's own classpath.
 */
public final class BenchContext {

    private final Scale scale;
    private final Progress progress;
    private final Path repo;
    private final Path work;
    private final Path chart;
    private LeasePopulation population;

    public BenchContext(Scale scale, Progress progress, Path repo, Path work, Path chart) {
        this.scale = scale;
        this.progress = progress;
        this.repo = repo;
        this.work = work;
        this.chart = chart;
    }

    /** The shared network of many leases (figures 2 and 3), started on first use. */
    public synchronized LeasePopulation population() throws Exception {
        if (population == null) {
            progress.say("starting the shared lease population: etcd, allocator-server, " + LeasePopulation.PREFIX);
            population = LeasePopulation.start(this);
        }
        return population;
    }

    /** Stops what the figures shared. */
    synchronized void closeShared() {
        if (population != null) {
            population.close();
            population = null;
        }
    }

    /** Where figure 2 draws its latency chart. */
    public Path chartFile() {
        return chart;
    }

    public Scale scale() {
        return scale;
    }

    public void progress(String figureId, String step) {
        progress.say("fig " + figureId + ": " + step);
    }

    /** The checkout, for the bin/ launchers. */
    public Path repo() {
        return repo;
    }

    /** A fresh directory under this run's scratch directory. */
    public Path newDirectory(String name) throws IOException {
        return Files.createTempDirectory(work, name + "-");
    }

    /** Where child processes write their logs. */
    public Path work() {
        return work;
    }

    /** {@code java <flags> -cp <this suite's classpath> mainClass args...}. */
    public List<String> javaCommand(String mainClass, List<String> jvmFlags, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--enable-native-access=ALL-UNNAMED");
        command.addAll(jvmFlags);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** Whether this run is root (network namespaces need it). */
    public boolean runsAsRoot() {
        return "root".equals(System.getProperty("user.name"));
    }
}
