package io.weft.dist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.testsupport.LoopbackPorts;
import io.weft.testsupport.NetworkNamespace;
import io.weft.testsupport.Readyz;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The release archive, as a user gets it: unpacked into an empty folder and run from there with
 * no JDK in reach (no JAVA_HOME, no {@code java} on PATH: only the few tools it uses, and etcd).
 * Its own runtime runs the three launchers; the allocator starts its embedded etcd and serves,
 * and weftctl talks to it.
 */
@Timeout(180)
class ReleaseArchiveIT {

    @TempDir
    static Path unpacked;

    private static final Map<String, String> MAIN_CLASSES = Map.of(
            "weft-allocator", "io.weft.allocator.AllocatorMain",
            "weft-node", "io.weft.node.NodeMain",
            "weftctl", "io.weft.client.cli.Weftctl");

    private static Path release;

    @BeforeAll
    static void unpack() throws Exception {
        Path archive = Path.of(System.getProperty("weft.release.archive"));
        assertThat(archive).isRegularFile();
        Process tar = new ProcessBuilder("tar", "-xzf", archive.toString(), "-C", unpacked.toString())
                .inheritIO()
                .start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        release = unpacked.resolve(System.getProperty("weft.release.name"));
    }

    @AfterAll
    static void nothingLeftRunning() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
    }

    @Test
    void theFolderHoldsALinkedRuntimeTheLaunchersTheUnitsAndTheCompletion() throws Exception {
        Result version = run(List.of(release.resolve("runtime/bin/java").toString(), "--version"), release);
        assertThat(version.output()).contains("25");
        assertThat(release.resolve("runtime/bin/javac"))
                .as("a linked runtime, not a JDK")
                .doesNotExist();
        assertThat(release.resolve("runtime/jmods")).doesNotExist();
        for (String launcher : List.of("weft-allocator", "weft-node", "weftctl")) {
            assertThat(Files.isExecutable(release.resolve("bin").resolve(launcher)))
                    .as(launcher)
                    .isTrue();
        }
        assertThat(release.resolve("systemd/weft-allocator.service")).isRegularFile();
        assertThat(release.resolve("systemd/weft-node.service")).isRegularFile();
        assertThat(Files.readString(release.resolve("completion/weftctl.bash"))).contains("weftctl", "complete");
        assertThat(run(List.of(release.resolve("bin/weft-node").toString(), "--help"), release)
                        .exitCode())
                .isZero();
        for (String launcher : List.of("weft-allocator", "weft-node", "weftctl")) {
            Result printed =
                    run(List.of(release.resolve("bin").resolve(launcher).toString(), "--version"), release);
            assertThat(printed.output().strip())
                    .as("built from a git checkout, it names the commit")
                    .matches(versionLine(launcher));
        }
    }

    @Test
    void eachProgramStartsFromTheCacheTheBuildTrainedForItWithNothingAddedToStdout() throws Exception {
        for (Map.Entry<String, String> program : MAIN_CLASSES.entrySet()) {
            String name = program.getKey();
            assertThat(release.resolve("aot").resolve(name + ".aot")).isRegularFile();
            LaunchedProgram launched = LaunchedProgram.version(
                    release.resolve("bin").resolve(name), program.getValue(), unpacked, tools());
            assertThat(launched.mainClassSource()).as(name).isEqualTo(LaunchedProgram.FROM_THE_CACHE);
            assertThat(launched.stdout()).as(name).matches(versionLine(name) + "\n");
            assertThat(launched.stderrLines()).as(name).isEmpty();
        }
    }

    @Test
    void weftNodesCacheHoldsItsStartPastTheLeaseWhenTheBuildCouldMakeANamespace() throws Exception {
        assumeTrue(
                NetworkNamespace.unavailableReason().isEmpty(),
                "the build trains weft-node's whole start only as root with iproute2");

        Result listed = run(
                List.of(release.resolve("bin/weft-node").toString(), "--version"),
                release,
                Map.of("JDK_JAVA_OPTIONS", "-XX:+PrintSharedArchiveAndExit"));

        assertThat(listed.output())
                .as("classes first used once the node holds its lease, and at its first reconcile")
                .contains(
                        " io.weft.node.backend.NodeContext app_loader", " io.weft.node.backend.Reconciler app_loader");
    }

    @Test
    void aCacheThatDoesNotMatchIsSkippedWithoutAWord() throws Exception {
        Path stale = Files.createDirectories(unpacked.resolve("stale-cache"));
        for (String shared : List.of("runtime", "lib", "libexec")) {
            Files.createSymbolicLink(stale.resolve(shared), release.resolve(shared));
        }
        Files.createDirectories(stale.resolve("bin"));
        Files.copy(release.resolve("bin/weftctl"), stale.resolve("bin/weftctl"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createDirectories(stale.resolve("aot"));
        Files.writeString(stale.resolve("aot/weftctl.aot"), "not a cache");

        LaunchedProgram launched =
                LaunchedProgram.version(stale.resolve("bin/weftctl"), MAIN_CLASSES.get("weftctl"), unpacked, tools());

        assertThat(launched.exitCode()).isZero();
        assertThat(launched.mainClassSource()).startsWith("file:");
        assertThat(launched.stdout()).matches(versionLine("weftctl") + "\n");
        assertThat(launched.stderrLines()).isEmpty();
    }

    @Test
    void theAllocatorServesFromTheFolderAndWeftctlTalksToIt() throws Exception {
        int grpc = LoopbackPorts.free();
        int http = LoopbackPorts.free();
        Path dataDir = Files.createDirectories(unpacked.resolve("data"));
        Process allocator = start(
                List.of(
                        release.resolve("bin/weft-allocator").toString(),
                        "--listen",
                        "127.0.0.1:" + grpc,
                        "--http-listen",
                        "127.0.0.1:" + http,
                        "--data-dir",
                        dataDir.toString()),
                release);
        try {
            Readyz.on(http).await(Duration.ofSeconds(90), () -> {
                if (!allocator.isAlive()) {
                    throw new IllegalStateException("weft-allocator exited while starting");
                }
            });
            Path config = Files.writeString(
                    unpacked.resolve("net-conf.json"),
                    "{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"Type\": \"vxlan\"}}");
            String server = "127.0.0.1:" + grpc;
            Result set = run(
                    List.of(
                            release.resolve("bin/weftctl").toString(),
                            "--server",
                            server,
                            "config",
                            "set",
                            config.toString()),
                    release);
            assertThat(set.exitCode()).as(set.output()).isZero();
            Result usage =
                    run(List.of(release.resolve("bin/weftctl").toString(), "--server", server, "usage"), release);
            assertThat(usage.exitCode()).as(usage.output()).isZero();
            assertThat(usage.output()).contains("ipv4", "255");
        } finally {
            allocator.destroy();
            assertThat(allocator.waitFor(30, TimeUnit.SECONDS))
                    .as("weft-allocator stops on SIGTERM")
                    .isTrue();
        }
    }

    /** What {@code --version} prints: the program, the version built and the commit. */
    private static String versionLine(String program) {
        return program + " " + Pattern.quote(System.getProperty("weft.release.version")) + " \\(commit [0-9a-f]{12}\\)";
    }

    private record Result(int exitCode, String output) {}

    private static Result run(List<String> command, Path directory) throws IOException, InterruptedException {
        return run(command, directory, Map.of());
    }

    private static Result run(List<String> command, Path directory, Map<String, String> environment)
            throws IOException, InterruptedException {
        Process process = start(command, directory, environment);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as(String.join(" ", command))
                .isTrue();
        return new Result(process.exitValue(), output);
    }

    /**
     * A process with no JDK in reach: no JAVA_HOME, and a PATH holding only the tools the
     * launchers and the embedded etcd use (the system's own {@code java} is left out).
     */
    private static Process start(List<String> command, Path directory) throws IOException {
        return start(command, directory, Map.of());
    }

    private static Process start(List<String> command, Path directory, Map<String, String> added) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command))
                .directory(directory.toFile())
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.remove("JAVA_HOME");
        environment.put("PATH", tools().toString());
        environment.putAll(added);
        if (command.contains("--data-dir")) { // the daemon: its log goes to a file
            builder.redirectOutput(unpacked.resolve("allocator.log").toFile());
        }
        return builder.start();
    }

    private static Path tools() throws IOException {
        Path tools = unpacked.resolve("tools");
        if (Files.notExists(tools)) {
            Files.createDirectories(tools);
            for (String tool : List.of("readlink", "dirname", "etcd")) {
                Path found = Stream.of("/usr/bin", "/bin", "/usr/sbin", "/sbin")
                        .map(dir -> Path.of(dir, tool))
                        .filter(Files::isExecutable)
                        .findFirst()
                        .orElseThrow(() -> new IllegalStateException(tool + " is not installed"));
                Files.createSymbolicLink(tools.resolve(tool), found);
            }
        }
        assertThat(tools.resolve("java")).doesNotExist();
        return tools;
    }
}
