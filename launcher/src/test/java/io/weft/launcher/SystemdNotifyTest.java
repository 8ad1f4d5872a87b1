package io.weft.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify over a real Unix datagram socket, a path or an abstract name, as systemd sets it up. */
@Timeout(10)
class SystemdNotifyTest {

    @TempDir
    Path dir;

    @Test
    void readyAndTheWatchdogPingArriveOnThePathSocket() throws Exception {
        String socket = dir.resolve("notify").toString();
        try (UnixDatagram systemd = UnixDatagram.bound(socket)) {
            SystemdNotify notify = SystemdNotify.from(Map.of("NOTIFY_SOCKET", socket), 42);

            notify.ready("serving");
            notify.alive();

            assertThat(text(systemd)).isEqualTo("READY=1\nSTATUS=serving");
            assertThat(text(systemd)).isEqualTo("WATCHDOG=1");
        }
    }

    @Test
    void reportSendsReadyOnceWhenTheConditionFirstHoldsAndNeverAgain() throws Exception {
        String socket = dir.resolve("notify-report").toString();
        try (UnixDatagram systemd = UnixDatagram.bound(socket)) {
            AtomicBoolean ready = new AtomicBoolean();
            SystemdNotify.from(Map.of("NOTIFY_SOCKET", socket), 42)
                    .report(ready::get, "serving", () -> CompletableFuture.completedFuture(null));

            assertThat(systemd.receive(Duration.ofMillis(300)))
                    .as("not ready yet")
                    .isEmpty();
            ready.set(true);
            assertThat(text(systemd)).isEqualTo("READY=1\nSTATUS=serving");
            assertThat(systemd.receive(Duration.ofMillis(500))).as("sent once").isEmpty();
        }
    }

    @Test
    void anAbstractSocketNameWorksToo() throws Exception {
        String socket = "@weft-notify-test-" + ProcessHandle.current().pid();
        try (UnixDatagram systemd = UnixDatagram.bound(socket)) {
            SystemdNotify.from(Map.of("NOTIFY_SOCKET", socket), 42).stopping();

            assertThat(text(systemd)).isEqualTo("STOPPING=1");
        }
    }

    @Test
    void theWatchdogIsHalfItsTimeoutAndOnlyForTheNamedProcess() {
        Map<String, String> env = Map.of("NOTIFY_SOCKET", "/run/x", "WATCHDOG_USEC", "30000000", "WATCHDOG_PID", "42");

        assertThat(SystemdNotify.from(env, 42).watchdogInterval()).contains(Duration.ofSeconds(15));
        assertThat(SystemdNotify.from(env, 43).watchdogInterval()).isEmpty();
        assertThat(SystemdNotify.from(Map.of("WATCHDOG_USEC", "30000000"), 42).watchdogInterval())
                .isEmpty();
    }

    @Test
    void withoutSystemdEveryCallDoesNothing() {
        SystemdNotify notify = SystemdNotify.from(Map.of(), 42);

        assertThat(notify.enabled()).isFalse();
        assertThatCode(() -> {
                    notify.ready("serving");
                    notify.alive();
                })
                .doesNotThrowAnyException();
    }

    @Test
    void anUnreachableSocketNeverThrows() {
        SystemdNotify notify =
                SystemdNotify.from(Map.of("NOTIFY_SOCKET", dir.resolve("nobody").toString()), 42);

        assertThat(notify.enabled()).isTrue();
        assertThatCode(() -> {
                    notify.ready("serving");
                    notify.ready("serving");
                })
                .doesNotThrowAnyException();
    }

    private static String text(UnixDatagram socket) throws Exception {
        return new String(socket.receive(Duration.ofSeconds(5)).orElseThrow(), StandardCharsets.UTF_8);
    }
}
