package io.weft.etcd.testing;

import io.weft.etcd.EtcdBinary;
import io.weft.etcd.EtcdBinaryNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code etcdctl} (v3 API) against given endpoints, so tests can write and read etcd
 * through a client that shares no code with the code under test. Each call is one process,
 * bounded by {@link #COMMAND_TIMEOUT}. Thread-safe.
 */
public final class Etcdctl {

    /** Longest a single etcdctl call may run before it is killed and the call fails. */
    public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    private final String executable;
    private final List<String> endpoints;

    /** etcdctl talking to {@code endpoints} (client URLs). */
    public Etcdctl(List<String> endpoints) {
        if (endpoints.isEmpty()) {
            throw new IllegalArgumentException("etcdctl needs at least one endpoint");
        }
        this.endpoints = List.copyOf(endpoints);
        this.executable = locateExecutable();
    }

    /** {@code etcdctl put key value}. */
    public void put(String key, String value) {
        String output = run("put", key, value);
        if (!output.strip().equals("OK")) {
            throw new IllegalStateException("etcdctl put " + key + " answered '" + output.strip() + "', not OK");
        }
    }

    /** {@code etcdctl get key}: the value, or empty if the key does not exist. */
    public Optional<String> get(String key) {
        String output = run("get", key);
        if (output.isEmpty()) {
            return Optional.empty();
        }
        // Output is "key\nvalue\n"; a value may itself contain line breaks.
        int afterKey = output.indexOf('\n');
        String value = output.substring(afterKey + 1);
        return Optional.of(value.endsWith("\n") ? value.substring(0, value.length() - 1) : value);
    }

    /**
     * Runs {@code etcdctl --endpoints=... args} and returns its standard output.
     *
     * @throws IllegalStateException with etcdctl's error output if it fails or times out
     */
    public String run(String... args) {
        List<String> command = new ArrayList<>();
        command.add(executable);
        command.add("--endpoints=" + String.join(",", endpoints));
        command.add("--dial-timeout=2s");
        command.add("--command-timeout=5s");
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCDCTL_"));
        builder.environment().put("ETCDCTL_API", "3");
        String commandLine = String.join(" ", command);
        try {
            Process process = builder.start();
            process.getOutputStream().close();
            CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
            CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("timed out after " + COMMAND_TIMEOUT + ": " + commandLine);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("exit code " + process.exitValue() + " from " + commandLine + ": "
                        + stderr.join().strip());
            }
            return stdout.join();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + commandLine, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + commandLine, e);
        }
    }

    /** etcdctl next to the etcd binary in use (matching versions), else whatever PATH finds. */
    private static String locateExecutable() {
        try {
            Path sibling = EtcdBinary.locate().resolveSibling("etcdctl");
            if (Files.isExecutable(sibling)) {
                return sibling.toString();
            }
        } catch (EtcdBinaryNotFoundException ignored) {
            // fall back to PATH below
        }
        return "etcdctl";
    }

    private static String readAll(InputStream stream) {
        try (stream) {
            return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
