package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.launcher.LauncherErrors;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** weft-allocator's flags as the launcher reads them; nothing is started. */
@Timeout(10)
class AllocatorMainTest {

    @Test
    void anHttpListenAddressWithoutAPortTakesTheHttpPort() {
        AllocatorMain main = new AllocatorMain();
        new CommandLine(main).parseArgs("--http-listen", "0.0.0.0", "--listen", "[::1]");

        assertThat(main.httpListen).isEqualTo(new InetSocketAddress("0.0.0.0", 7071));
        assertThat(main.listen).isEqualTo(new InetSocketAddress("::1", 7070));
    }

    @Test
    void durationsAreGoStyleOrPlainSeconds() {
        AllocatorMain main = new AllocatorMain();
        new CommandLine(main)
                .parseArgs("--lease-ttl", "1m30s", "--reuse-quarantine", "45", "--watch-progress-interval", "500ms");

        assertThat(main.leaseTtl).isEqualTo(Duration.ofSeconds(90));
        assertThat(main.reuseQuarantine).isEqualTo(Duration.ofSeconds(45));
        assertThat(main.watchFlags.progressInterval).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void anUnbracketedIpv6ListenAddressIsOneLineNamingTheFlagAndExitsTwo() {
        StringWriter err = new StringWriter();
        int code = LauncherErrors.commandLine(new AllocatorMain())
                .setErr(new PrintWriter(err, true))
                .execute("--listen", "::1:7070");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines())
                .containsExactly(
                        "weft-allocator: Invalid value for option '--listen': "
                                + "\"::1:7070\": put an IPv6 address in brackets, e.g. [::1]:7070 (see 'weft-allocator --help')");
    }

    @Test
    void flagsThatDoNotGoTogetherAreAUsageMistake() {
        StringWriter err = new StringWriter();
        int code = LauncherErrors.commandLine(new AllocatorMain())
                .setErr(new PrintWriter(err, true))
                .execute("--tls-cert", "server.pem");

        assertThat(code).isEqualTo(2);
        assertThat(err.toString().lines())
                .containsExactly("weft-allocator: --tls-cert and --tls-key go together: "
                        + "give both or neither (see 'weft-allocator --help')");
    }
}
