package io.weft.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code --version} run of a release launcher, with no JDK in reach: its stdout, its stderr
 * and where its JVM loaded the main class from. The class-loading log goes to a file through {@code JDK_JAVA_OPTIONS}, which the
 * {@code java} launcher reads itself, so the launcher script and its flags stay as users run them.
 */
record LaunchedProgram(int exitCode, String stdout, String stderr, String mainClassSource) {

    /** What the JVM's class-loading log says of a class read from an ahead-of-time cache. */
    static final String FROM_THE_CACHE = "shared objects file";

    /** The line the java launcher adds to stderr when it reads {@code JDK_JAVA_OPTIONS}. */
    private static final String PICKED_UP = "NOTE: Picked up JDK_JAVA_OPTIONS";

    /**
     * @param scratch where the logs go
     * @param path    the only folder on PATH (no {@code java} in it)
     */
    static LaunchedProgram version(Path launcher, String mainClass, Path scratch, Path path)
            throws IOException, InterruptedException {
        Path classLog = Files.createTempFile(scratch, "class-load", ".log");
        Path stdout = Files.createTempFile(scratch, "stdout", ".txt");
        Path stderr = Files.createTempFile(scratch, "stderr", ".txt");
        ProcessBuilder builder = new ProcessBuilder(List.of(launcher.toString(), "--version"))
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile());
        Map<String, String> environment = builder.environment();
        environment.remove("JAVA_HOME");
        environment.put("PATH", path.toString());
        environment.put("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + classLog);
        Process process = builder.start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS))
                .as(launcher.toString())
                .isTrue();
        Matcher loaded = Pattern.compile(" " + Pattern.quote(mainClass) + " source: (.*)")
                .matcher(Files.readString(classLog));
        return new LaunchedProgram(
                process.exitValue(),
                Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8),
                loaded.find() ? loaded.group(1).strip() : "(not loaded)");
    }

    /** Stderr without the java launcher's note about {@code JDK_JAVA_OPTIONS}. */
    List<String> stderrLines() {
        return stderr.lines().filter(line -> !line.startsWith(PICKED_UP)).toList();
    }
}
