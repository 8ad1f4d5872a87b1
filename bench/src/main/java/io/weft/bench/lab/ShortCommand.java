package io.weft.bench.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A command that runs and exits (a CLI call, {@code java -version}), timed from start to exit. */
public record ShortCommand(List<String> command) {

    public static ShortCommand of(String... command) {
        return new ShortCommand(List.of(command));
    }

    /** Wall milliseconds of one run; fails with the command's output when it exits non-zero. */
    public long millis() throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        long started = System.nanoTime();
        Process process = builder.start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not exit within 120 s");
        }
        long elapsed = (System.nanoTime() - started) / 1_000_000;
        if (process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited " + process.exitValue() + ": "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
        return elapsed;
    }

    /** The median of {@code runs} runs. */
    public long medianMillis(int runs) throws IOException, InterruptedException {
        long[] times = new long[runs];
        for (int i = 0; i < runs; i++) {
            times[i] = millis();
        }
        return median(times);
    }

    public static long median(long[] times) {
        long[] sorted = times.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
