package io.weft.dist;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example units as systemd reads them: {@code systemd-analyze verify} finds nothing to say
 * (their ExecStart pointed at a stand-in, since /opt/weft does not exist here), and both are
 * Type=notify with a watchdog and hardened.
 */
@Timeout(60)
class SystemdUnitsTest {

    private static final Path DOCS = Path.of("").toAbsolutePath().getParent().resolve("docs");

    @TempDir
    Path dir;

    @Test
    void systemdAnalyzeVerifiesBothUnits() throws Exception {
        Path launcher = Files.writeString(dir.resolve("launcher"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
        List<String> command = new java.util.ArrayList<>(List.of("systemd-analyze", "verify"));
        for (String unit : List.of("weft-allocator.service", "weft-node.service")) {
            String text =
                    Files.readString(DOCS.resolve(unit)).replaceAll("/opt/weft/bin/weft-[a-z]+", launcher.toString());
            command.add(Files.writeString(dir.resolve(unit), text).toString());
        }
        Process verify = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(30, TimeUnit.SECONDS)).isTrue();

        assertThat(output).as("systemd-analyze verify").isEmpty();
        assertThat(verify.exitValue()).isZero();
    }

    @Test
    void bothUnitsNotifyHaveAWatchdogAndAreHardened() throws Exception {
        for (String unit : List.of("weft-allocator.service", "weft-node.service")) {
            List<String> lines = Files.readAllLines(DOCS.resolve(unit));
            assertThat(lines)
                    .as(unit)
                    .contains(
                            "Type=notify",
                            "NotifyAccess=main",
                            "WatchdogSec=30s",
                            "NoNewPrivileges=yes",
                            "ProtectSystem=strict",
                            "ProtectHome=yes",
                            "PrivateTmp=yes");
        }
        assertThat(Files.readAllLines(DOCS.resolve("weft-allocator.service"))).contains("CapabilityBoundingSet=");
        assertThat(Files.readAllLines(DOCS.resolve("weft-node.service")))
                .contains("CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_RAW");
    }
}
