package io.weft.testsupport;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * What a set-up command (ip, bridge, sysctl, ping) printed and how it exited. Running one never
 * throws: a command that cannot start, times out or is interrupted exits -1 with the reason as
 * its output, so that a caller decides whether that is a failure.
 *
 * @param command  the command line, for messages
 * @param exitCode its exit code; -1 when it did not run to its end
 * @param output   stdout and stderr together
 */
public record CommandResult(String command, int exitCode, String output) {

    /** Long enough for any iproute2 batch a test or benchmark runs. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);

    /** Runs the command with {@link #DEFAULT_TIMEOUT}. */
    public static CommandResult of(List<String> command) {
        return of(command, DEFAULT_TIMEOUT);
    }

    /** Runs the command, its stdin closed, and waits at most {@code timeout} for it. */
    public static CommandResult of(List<String> command, Duration timeout) {
        String line = String.join(" ", command);
        try {
            Process process =
                    new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                return new CommandResult(line, -1, "timed out after " + timeout.toSeconds() + " s");
            }
            return new CommandResult(line, process.exitValue(), output);
        } catch (IOException e) {
            return new CommandResult(line, -1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new CommandResult(line, -1, "interrupted");
        }
    }

    /** The output; IllegalStateException with the command and its output when it did not exit 0. */
    public String orThrow() {
        if (exitCode != 0) {
            throw new IllegalStateException(command + " exited " + exitCode + ": " + output.strip());
        }
        return output;
    }
}
