package io.weft.bench.child;

import java.io.IOException;
import java.util.List;

/** Short {@code bash -c} commands for the probes inside a namespace (ip, cat, jcmd). */
final class Shell {

    private Shell() {}

    /** What the command prints, standard error included, once it has exited. */
    static String output(String command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of("bash", "-c", command))
                .redirectErrorStream(true)
                .start();
        String output = new String(process.getInputStream().readAllBytes());
        process.waitFor();
        return output;
    }

    /** How many non-blank lines the command prints. */
    static long lines(String command) throws IOException, InterruptedException {
        return output(command).lines().filter(line -> !line.isBlank()).count();
    }
}
