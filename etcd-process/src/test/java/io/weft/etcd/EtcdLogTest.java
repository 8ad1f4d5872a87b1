package io.weft.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class EtcdLogTest {

    @TempDir
    Path dir;

    @Test
    void findsCapnslogCriticalLinesAndPortConflicts() throws IOException {
        EtcdLog log = log("""
                2026-11-26 05:38:42.789891 I | etcdmain: setting maximum number of CPUs to 2
                [WARNING] Deprecated '--logger=capnslog' flag is set; use '--logger=zap' flag instead
                2026-11-26 05:38:42.790102 C | etcdmain: listen tcp 127.0.0.1:23790: bind: address already in use
                """);

        assertThat(log.fatalLine()).hasValueSatisfying(line -> assertThat(line).contains("C | etcdmain: listen tcp"));
        assertThat(log.mentionsAddressInUse()).isTrue();
        assertThat(log.describe())
                .startsWith("etcd said: 2026-11-26 05:38:42.790102 C |")
                .contains("last 20 lines of " + dir.resolve("etcd.log") + ":\n  2026-11-26 05:38:42.789891 I |");
    }

    @Test
    void findsAFlagErrorThatTheUsageTextWouldPushOutOfTheTail() throws IOException {
        StringBuilder text = new StringBuilder("flag provided but not defined: -no-such-flag\nUsage:\n");
        for (int i = 0; i < 30; i++) {
            text.append("  usage line ").append(i).append('\n');
        }
        EtcdLog log = log(text.toString());

        assertThat(log.lastLines()).hasSize(20).doesNotContain("flag provided but not defined: -no-such-flag");
        assertThat(log.fatalLine()).contains("flag provided but not defined: -no-such-flag");
        assertThat(log.mentionsAddressInUse()).isFalse();
    }

    @Test
    void findsZapFatalLines() {
        assertThat(EtcdLog.fatalLine(List.of(
                        "{\"level\":\"info\",\"msg\":\"starting\"}",
                        "{\"level\":\"fatal\",\"msg\":\"discovery failed\",\"error\":\"member count is unequal\"}")))
                .hasValueSatisfying(line -> assertThat(line).contains("discovery failed"));
        assertThat(EtcdLog.fatalLine(List.of("2026-11-26 05:38:29.889549 I | embed: ready to serve client requests")))
                .isEmpty();
    }

    @Test
    void aMissingLogDescribesItselfAsEmpty() {
        EtcdLog log = new EtcdLog(dir.resolve("never-written.log"));

        assertThat(log.lastLines()).isEmpty();
        assertThat(log.describe()).isEqualTo("last 20 lines of " + dir.resolve("never-written.log") + ":");
    }

    private EtcdLog log(String text) throws IOException {
        Path file = dir.resolve("etcd.log");
        Files.writeString(file, text);
        return new EtcdLog(file);
    }
}
