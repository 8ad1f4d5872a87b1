package io.weft.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The systemd notify protocol (sd_notify): a service started with {@code Type=notify} tells
 * systemd it is ready, how it is doing, and (with {@code WatchdogSec=}) that it is alive, by
 * datagrams to the socket named in {@code NOTIFY_SOCKET}. Without that variable every call does
 * nothing. A failed send is logged once and never stops the daemon.
 */
public final class SystemdNotify {

    private static final Logger LOG = LoggerFactory.getLogger(SystemdNotify.class);

    private final String socket;
    private final Optional<Duration> watchdog;
    private final AtomicBoolean failedOnce = new AtomicBoolean();

    SystemdNotify(String socket, Optional<Duration> watchdog) {
        this.socket = socket;
        this.watchdog = watchdog;
    }

    /** As systemd set it up for this process: NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. */
    public static SystemdNotify fromEnvironment() {
        return from(System.getenv(), ProcessHandle.current().pid());
    }

    static SystemdNotify from(Map<String, String> environment, long pid) {
        String socket = environment.getOrDefault("NOTIFY_SOCKET", "");
        Optional<Duration> watchdog = Optional.empty();
        String usec = environment.getOrDefault("WATCHDOG_USEC", "");
        String forPid = environment.getOrDefault("WATCHDOG_PID", "");
        if (!socket.isEmpty() && !usec.isEmpty() && (forPid.isEmpty() || forPid.equals(Long.toString(pid)))) {
            try {
                watchdog = Optional.of(Duration.ofNanos(Long.parseLong(usec) * 1000))
                        .filter(d -> !d.isZero());
            } catch (NumberFormatException e) {
                LOG.warn("ignoring WATCHDOG_USEC=\"{}\": not a number of microseconds", usec);
            }
        }
        return new SystemdNotify(socket, watchdog);
    }

    /** Whether systemd listens (the unit has Type=notify). */
    public boolean enabled() {
        return !socket.isEmpty();
    }

    /** How often to call {@link #alive()}: half the unit's WatchdogSec, as systemd advises; empty when off. */
    public Optional<Duration> watchdogInterval() {
        return watchdog.map(timeout -> timeout.dividedBy(2));
    }

    /**
     * On a daemon thread: sends READY=1 with the status once {@code ready} first holds (checked
     * every 100 ms), and with a watchdog, pings it each interval once {@code alive} completes, so
     * a process whose work has stopped moving is restarted. Does nothing without systemd.
     */
    public void report(BooleanSupplier ready, String status, Supplier<CompletableFuture<?>> alive) {
        if (!enabled()) {
            return;
        }
        ScheduledExecutorService ticks = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("weft-systemd").factory());
        ticks.execute(() -> readyOnce(ready, status, ticks));
        watchdogInterval()
                .ifPresent(every -> ticks.scheduleAtFixedRate(
                        () -> alive.get().thenRun(this::alive), 0, every.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Sends READY=1 once ready holds, checking again every 100 ms until then, and no more after. */
    private void readyOnce(BooleanSupplier ready, String status, ScheduledExecutorService ticks) {
        if (ready.getAsBoolean()) {
            ready(status);
        } else {
            ticks.schedule(() -> readyOnce(ready, status, ticks), 100, TimeUnit.MILLISECONDS);
        }
    }

    /** The service is ready; status is shown by {@code systemctl status}. */
    public void ready(String status) {
        send("READY=1\nSTATUS=" + status);
    }

    public void status(String status) {
        send("STATUS=" + status);
    }

    /** The watchdog ping. */
    public void alive() {
        send("WATCHDOG=1");
    }

    public void stopping() {
        send("STOPPING=1");
    }

    private void send(String message) {
        if (!enabled()) {
            return;
        }
        try (UnixDatagram datagram = UnixDatagram.open()) {
            datagram.send(socket, message.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            if (failedOnce.compareAndSet(false, true)) {
                LOG.warn(
                        "telling systemd \"{}\" failed: {}",
                        message.lines().findFirst().orElse(""),
                        e.getMessage());
            }
        }
    }
}
