package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs bin/weft-allocator as an operator would (needs the module packaged, which
 * {@code mvn verify} does before the integration tests), keeps each launch's output in a file,
 * and asks the HTTP port. {@link #close()} kills only what it launched, and their children.
 */
final class LaunchedAllocators implements AutoCloseable {

    static final Path LAUNCHER = Path.of("..", "bin", "weft-allocator").toAbsolutePath().normalize();

    private final Path logDir;
    private final List<Process> launched = new ArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Path log;

    /** @param logDir where each launch's output goes, one file per launch */
    LaunchedAllocators(Path logDir) {
        this.logDir = logDir;
    }

    /**
     * Starts the launcher with these arguments, its output (stdout and stderr) to a new file.
     * WEFT_ETCD_PASSWORD is removed from its environment, so only the arguments give a password.
     */
    Process launch(String... args) throws IOException {
        log = logDir.resolve("launcher-" + launched.size() + ".log");
        List<String> command = new ArrayList<>();
        command.add(LAUNCHER.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        // The JDK running this test is a JDK 25: the launcher's check accepts it.
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove(SecurityFlags.PASSWORD_ENV);
        Process process = builder.start();
        launched.add(process);
        return process;
    }

    /** What the latest launch has printed so far. */
    String output() throws IOException {
        return log != null && Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The HTTP status of GET path, or -1 while nothing answers. */
    int status(int port, String path) {
        try {
            return http.send(get(port, path), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of GET path, which must answer 200. */
    String body(int port, String path) throws Exception {
        HttpResponse<String> response = http.send(get(port, path), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        for (Process process : launched) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        http.close();
    }

    private static HttpRequest get(int port, String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10))
                .GET().build();
    }
}
