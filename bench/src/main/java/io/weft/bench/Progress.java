package io.weft.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;

/** Progress lines on stdout, stamped with the time since the run began, so a person sees it work. */
public final class Progress {

    private final long startedNanos = System.nanoTime();
    private final PrintStream out;

    public Progress(PrintStream out) {
        this.out = out;
    }

    public void say(String line) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        synchronized (out) {
            out.printf(Locale.ROOT, "[%6.1fs] %s%n", seconds, line);
            out.flush();
        }
    }

    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
