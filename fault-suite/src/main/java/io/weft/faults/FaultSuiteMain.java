package io.weft.faults;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code fault-suite/run}: a long fault run outside CI. Exits 0 only with zero violations. */
@Command(
        name = "fault-suite",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = "Injects faults into etcd and two allocator replicas under simulated nodes, then checks "
                + "the recorded history. Prints one summary line.")
public final class FaultSuiteMain implements Callable<Integer> {

    @Option(
            names = "--minutes",
            defaultValue = "10",
            description = "how long to inject faults (default: ${DEFAULT-VALUE})")
    double minutes;

    @Option(names = "--nodes", defaultValue = "300", description = "simulated nodes (default: ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--watchers", defaultValue = "30", description = "lease watchers (default: ${DEFAULT-VALUE})")
    int watchers;

    @Option(names = "--seed", description = "seed for the fault order and timing (default: random, printed)")
    Long seed;

    @Option(names = "--lease-ttl-seconds", defaultValue = "10", description = "lease TTL (default: ${DEFAULT-VALUE})")
    int leaseTtlSeconds;

    @Option(names = "--work-dir", description = "etcd data and server logs (default: a new temporary directory)")
    Path workDir;

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new FaultSuiteMain());
        command.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println("fault-suite: " + error);
            error.printStackTrace(cmd.getErr()); // a crash of the harness itself: the trace helps
            return 2;
        });
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        long runSeed = seed != null ? seed : System.nanoTime();
        Path dir = workDir != null ? Files.createDirectories(workDir) : Files.createTempDirectory("weft-fault-suite");
        FaultSuiteSettings settings = new FaultSuiteSettings(
                Duration.ofMillis((long) (minutes * 60_000)),
                1,
                nodes,
                0.2,
                watchers,
                runSeed,
                Duration.ofSeconds(leaseTtlSeconds),
                dir,
                System.getProperty("java.class.path"));
        // On Ctrl-C, take the etcd members and replicas this run started down with it.
        Runtime.getRuntime()
                .addShutdownHook(Thread.ofPlatform()
                        .unstarted(
                                () -> ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly)));
        FaultSuiteResult result = new FaultSuite(settings, System.out::println).run();
        result.check().details().forEach(violation -> System.out.println("fault-suite: violation " + violation));
        System.out.println("fault-suite: seed " + runSeed + ", " + result.leasesLost() + " leases lost, logs in " + dir
                + "; replay with --seed " + runSeed);
        System.out.println(result.summaryLine());
        return result.violations() == 0 ? 0 : 1;
    }
}
