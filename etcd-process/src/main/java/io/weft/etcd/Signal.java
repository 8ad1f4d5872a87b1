package io.weft.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The POSIX job-control signals {@link EtcdProcess} and the test tooling (weft-test-support, the
 * namespace tests) need beyond what {@link Process} offers (which has only SIGTERM and SIGKILL,
 * and only to its own children). Sent with the {@code kill} command: the JDK has no API. The one
 * place weft sends signals by number of process.
 */
public enum Signal {
    /** Freezes the process; it stays alive but runs no code, not even its timers. */
    STOP,
    /** Lets a stopped process run again. */
    CONT,
    /** Asks the process to stop: a JVM runs its shutdown hooks. */
    TERM,
    /** Ends the process at once, as a crash. */
    KILL;

    private static final Duration STOP_OBSERVED_WITHIN = Duration.ofSeconds(2);

    /**
     * Runs {@code kill -<signal> <pid>}. For {@link #STOP} it then waits briefly until procfs
     * shows the process stopped, so the caller can rely on it having taken effect.
     *
     * @throws IllegalStateException if {@code kill} fails, for example because the process is gone
     */
    public void sendTo(long pid) {
        String target = Long.toString(pid);
        try {
            Process kill = new ProcessBuilder("kill", "-" + name(), target)
                    .redirectErrorStream(true)
                    .start();
            String output = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            int exit = kill.waitFor();
            if (exit != 0) {
                throw new IllegalStateException(
                        "kill -" + name() + " " + target + " exited with " + exit + ": " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name() + " " + target, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name() + " to " + target, e);
        }
        if (this == STOP) {
            awaitStopped(pid);
        }
    }

    private static void awaitStopped(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        if (!Files.isReadable(stat)) {
            return; // no procfs: the signal has been sent, which is all we can know
        }
        Deadline deadline = Deadline.after(STOP_OBSERVED_WITHIN);
        try {
            while (!deadline.hasPassed()) {
                String text = Files.readString(stat);
                // Format: "pid (comm) state ...", and comm may itself hold spaces or parentheses.
                char state = text.charAt(text.lastIndexOf(')') + 2);
                if (state == 'T' || state == 't') {
                    return;
                }
                Thread.sleep(5);
            }
        } catch (IOException | RuntimeException e) {
            // The process exited or procfs looks different; nothing more to wait for.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
