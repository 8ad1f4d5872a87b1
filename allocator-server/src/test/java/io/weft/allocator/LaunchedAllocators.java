package io.weft.allocator;

import io.weft.testsupport.LaunchedProcess;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs bin/weft-allocator as an operator would (needs the module packaged, which
 * {@code mvn verify} does before the integration tests), keeps each launch's output in a file,
 * and asks the HTTP port. {@link #close()} kills only what it launched, and their children.
 */
final class LaunchedAllocators implements AutoCloseable {

    static final Path LAUNCHER =
            Path.of("..", "bin", "weft-allocator").toAbsolutePath().normalize();

    private final Path logDir;
    private final List<LaunchedProcess> launched = new ArrayList<>();

    /** @param logDir where each launch's output goes, one file per launch */
    LaunchedAllocators(Path logDir) {
        this.logDir = logDir;
    }

    /**
     * Starts the launcher with these arguments, its output (stdout and stderr) to a new file.
     * WEFT_ETCD_PASSWORD is removed from its environment, so only the arguments give a password.
     */
    Process launch(String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        // The JDK running this test is a JDK 25: the launcher's check accepts it.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove(SecurityFlags.PASSWORD_ENV);
        LaunchedProcess process =
                LaunchedProcess.start(builder, logDir.resolve("launcher-" + launched.size() + ".log"));
        launched.add(process);
        return process.process();
    }

    /** What the latest launch has printed so far. */
    String output() {
        return launched.isEmpty() ? "" : launched.getLast().output();
    }

    /** The HTTP status of GET path, or -1 while nothing answers. */
    int status(int port, String path) {
        return latest().status(port, path);
    }

    /** The body of GET path, which must answer 200. */
    String body(int port, String path) throws Exception {
        return latest().body(port, path);
    }

    @Override
    public void close() {
        launched.forEach(LaunchedProcess::close);
    }

    private LaunchedProcess latest() {
        if (launched.isEmpty()) {
            throw new IllegalStateException("nothing launched yet");
        }
        return launched.getLast();
    }
}
