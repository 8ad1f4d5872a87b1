package io.weft.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.weft.etcd.Signal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real processes: the JDK's own small web server as a daemon with a /readyz, and sh. */
@Timeout(60)
class LaunchedProcessTest {

    @TempDir
    Path temp;

    @Test
    void waitsUntilReadyzAnswers200() throws Exception {
        Path site = Files.createDirectories(temp.resolve("site"));
        Files.writeString(site.resolve("readyz"), "ready\n");
        int port = LoopbackPorts.free();
        Path jwebserver = Path.of(System.getProperty("java.home"), "bin", "jwebserver");

        try (LaunchedProcess server = LaunchedProcess.start(
                List.of(jwebserver.toString(), "-b", "127.0.0.1", "-p", Integer.toString(port), "-d", site.toString()),
                temp.resolve("server.log"))) {
            server.awaitReady(port, Duration.ofSeconds(30));

            assertThat(server.body(port, "/readyz")).isEqualTo("ready\n");
            assertThat(server.status(port, "/nope")).isEqualTo(404);
            server.stop(Duration.ofSeconds(20));
            assertThat(server.isAlive()).isFalse();
        }
    }

    @Test
    void aProcessThatExitsWhileStartingFailsTheWaitWithItsOutput() throws Exception {
        try (LaunchedProcess failing = LaunchedProcess.start(
                List.of("sh", "-c", "echo 'bad flag: --x'; exit 3"), temp.resolve("failing.log"))) {
            assertThatThrownBy(() -> failing.awaitReady(LoopbackPorts.free(), Duration.ofSeconds(30)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("exited with 3")
                    .hasMessageContaining("bad flag: --x");
        }
    }

    @Test
    void aPausedProcessIsStoppedUntilContinued() throws Exception {
        try (LaunchedProcess sleeper = LaunchedProcess.start(List.of("sleep", "60"), temp.resolve("sleep.log"))) {
            sleeper.signal(Signal.STOP);
            assertThat(state(sleeper.pid())).isIn('T', 't');

            sleeper.signal(Signal.CONT);
            assertThat(state(sleeper.pid())).isNotIn('T', 't');
            sleeper.kill();
            assertThat(sleeper.isAlive()).isFalse();
        }
    }

    private static char state(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.charAt(stat.lastIndexOf(')') + 2);
    }
}
