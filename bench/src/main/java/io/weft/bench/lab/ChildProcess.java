package io.weft.bench.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A helper process of the suite (a Java main of this module, possibly inside a network
 * namespace) that talks in lines on stdout: {@code progress <text>} is passed on,
 * {@code ready} tells the parent a setup step is done, {@code result key=value ...} carries
 * numbers back. Everything else goes to its log file. The parent may write lines to its stdin.
 */
public final class ChildProcess implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final PrintWriter stdin;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final CompletableFuture<Map<String, String>> result = new CompletableFuture<>();

    private ChildProcess(Process process, Path log, Consumer<String> progress) {
        this.process = process;
        this.log = log;
        this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("child-" + process.pid()).start(() -> readLines(progress));
    }

    public static ChildProcess start(List<String> command, Path log, Consumer<String> progress) throws IOException {
        Process process = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ChildProcess(process, log, progress);
    }

    private void readLines(Consumer<String> progress) {
        try (BufferedReader lines =
                        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
                var logOut = Files.newBufferedWriter(
                        log, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND)) {
            for (String line; (line = lines.readLine()) != null; ) {
                logOut.write(line);
                logOut.newLine();
                logOut.flush();
                if (line.startsWith("progress ")) {
                    progress.accept(line.substring("progress ".length()));
                } else if (line.equals("ready")) {
                    ready.complete(null);
                } else if (line.startsWith("result ")) {
                    result.complete(parse(line.substring("result ".length())));
                }
            }
        } catch (IOException e) {
            result.completeExceptionally(e);
        } finally {
            String why = "helper process exited with " + exitCode() + " before answering; see " + log;
            ready.completeExceptionally(new IllegalStateException(why));
            result.completeExceptionally(new IllegalStateException(why));
        }
    }

    private String exitCode() {
        try {
            return Integer.toString(process.waitFor());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }

    /** Waits for its {@code ready} line. */
    public void awaitReady(long timeoutSeconds) throws Exception {
        ready.get(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** Waits for its {@code result} line. */
    public Map<String, String> awaitResult(long timeoutSeconds) throws Exception {
        return result.get(timeoutSeconds, TimeUnit.SECONDS);
    }

    /** Sends one line to its stdin. */
    public void tell(String line) {
        stdin.println(line);
    }

    public long pid() {
        return process.pid();
    }

    /** Closes its stdin and gives it a few seconds to finish, then SIGTERM, then SIGKILL. */
    @Override
    public void close() {
        stdin.close();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                terminate();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** SIGTERM now (a server runs its shutdown hook), SIGKILL if it is still there after 20 s. */
    public void terminate() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Map<String, String> parse(String fields) {
        Map<String, String> values = new HashMap<>();
        for (String field : fields.trim().split("\\s+")) {
            int eq = field.indexOf('=');
            if (eq > 0) {
                values.put(field.substring(0, eq), field.substring(eq + 1));
            }
        }
        return values;
    }
}
