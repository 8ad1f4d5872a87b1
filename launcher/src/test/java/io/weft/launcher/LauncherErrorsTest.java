package io.weft.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The launchers' one error style, on a small command with the kinds of flags they have. */
@Timeout(10)
class LauncherErrorsTest {

    @Command(name = "demo")
    static final class Demo implements Callable<Integer> {

        static final class Listen extends HostPortConverter {
            Listen() {
                super(7071);
            }
        }

        @Option(names = "--listen", converter = Listen.class, defaultValue = "127.0.0.1:7071")
        InetSocketAddress listen;

        @Option(names = "--timeout", converter = DurationConverter.class, defaultValue = "10s")
        Duration timeout;

        @Option(names = "--fail")
        String fail;

        @Override
        public Integer call() throws Exception {
            return switch (fail == null ? "" : fail) {
                case "usage" -> throw new IllegalArgumentException("--a and --b go together");
                case "io" -> throw new IOException("Address already in use\n  on 127.0.0.1:7071");
                case "null" -> throw new IllegalStateException();
                default -> 0;
            };
        }
    }

    private record Run(int code, String err, Demo demo) {}

    private static Run run(String... args) {
        Demo demo = new Demo();
        StringWriter err = new StringWriter();
        int code = LauncherErrors.commandLine(demo)
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(code, err.toString(), demo);
    }

    @Test
    void aFlagThatCannotBeReadIsOneLineNamingTheFlagAndExitsTwo() {
        Run run = run("--listen", "::1:7070");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().lines())
                .containsExactly("demo: Invalid value for option '--listen': \"::1:7070\": put an "
                        + "IPv6 address in brackets, e.g. [::1]:7071 (see 'demo --help')");
    }

    @Test
    void anUnknownFlagIsOneLineAndExitsTwo() {
        Run run = run("--colour");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly("demo: Unknown option: '--colour' (see 'demo --help')");
    }

    @Test
    void flagsThatDoNotGoTogetherAreAUsageMistake() {
        Run run = run("--fail", "usage");

        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().lines()).containsExactly("demo: --a and --b go together (see 'demo --help')");
    }

    @Test
    void aFailureIsOneLineWithoutAStackTraceAndExitsOne() {
        Run failed = run("--fail", "io");
        Run nameless = run("--fail", "null");

        assertThat(failed.code()).isEqualTo(1);
        assertThat(failed.err().lines()).containsExactly("demo: Address already in use; on 127.0.0.1:7071");
        assertThat(nameless.code()).isEqualTo(1);
        assertThat(nameless.err().lines()).containsExactly("demo: IllegalStateException");
    }

    @Test
    void durationsAreGoStyleOrPlainSeconds() {
        assertThat(run("--timeout", "1m30s").demo().timeout).isEqualTo(Duration.ofSeconds(90));
        assertThat(run("--timeout", "500ms").demo().timeout).isEqualTo(Duration.ofMillis(500));
        assertThat(run("--timeout", "45").demo().timeout).isEqualTo(Duration.ofSeconds(45));
        Run bad = run("--timeout", "1d");
        assertThat(bad.code()).isEqualTo(2);
        assertThat(bad.err().lines())
                .singleElement()
                .asString()
                .startsWith("demo: Invalid value for option " + "'--timeout': \"1d\" is not a duration");
    }

    @Test
    void anAddressWithoutAPortTakesTheFlagsOwn() {
        assertThat(run("--listen", "0.0.0.0").demo().listen).isEqualTo(new InetSocketAddress("0.0.0.0", 7071));
        assertThat(run("--listen", "[::1]:9000").demo().listen).isEqualTo(new InetSocketAddress("::1", 9000));
    }
}
