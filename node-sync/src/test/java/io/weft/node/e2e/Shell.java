package io.weft.node.e2e;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs set-up commands (ip, sysctl, ping) for the namespace topology; test code only. */
final class Shell {

    private Shell() {
    }

    /** Runs the command and answers its output; fails with the output when it exits non-zero. */
    static String run(String... command) {
        Result result = tryRun(command);
        if (result.exitCode() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + result.exitCode() + ": "
                    + result.output().strip());
        }
        return result.output();
    }

    /** Runs a command in a network namespace. */
    static String inNetns(String netns, String... command) {
        return run(prefixed(netns, command));
    }

    static Result tryInNetns(String netns, String... command) {
        return tryRun(prefixed(netns, command));
    }

    static String[] prefixed(String netns, String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", netns));
        full.addAll(List.of(command));
        return full.toArray(String[]::new);
    }

    static Result tryRun(String... command) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(-1, "timed out");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Result(-1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
    }

    record Result(int exitCode, String output) {
    }
}
