package io.weft.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Flags from WEFT_<PROGRAM>_<FLAG>, through picocli as the launchers parse them. */
@Timeout(10)
class EnvironmentDefaultsTest {

    @Command(name = "weft-demo", mixinStandardHelpOptions = true)
    static final class Demo implements Runnable {
        @Option(names = "--lease-ttl", converter = DurationConverter.class, defaultValue = "24h")
        Duration leaseTtl;

        @Option(names = "--iface", split = ",")
        List<String> interfaces = List.of();

        @Option(names = "--release-on-exit")
        boolean releaseOnExit;

        @Override
        public void run() {}
    }

    @Test
    void theVariableNameFollowsTheProgramAndTheFlag() {
        assertThat(EnvironmentDefaults.variable("weft-allocator", "--lease-ttl"))
                .isEqualTo("WEFT_ALLOCATOR_LEASE_TTL");
        assertThat(EnvironmentDefaults.variable("weft-node", "--iface")).isEqualTo("WEFT_NODE_IFACE");
    }

    @Test
    void aFlagComesFromTheEnvironmentWhenTheCommandLineLeavesItOut() {
        Demo demo = parse(Map.of(
                "WEFT_DEMO_LEASE_TTL", "2h", "WEFT_DEMO_IFACE", "eth0,eth1", "WEFT_DEMO_RELEASE_ON_EXIT", "true"));

        assertThat(demo.leaseTtl).isEqualTo(Duration.ofHours(2));
        assertThat(demo.interfaces).containsExactly("eth0", "eth1");
        assertThat(demo.releaseOnExit).isTrue();
    }

    @Test
    void theCommandLineWinsAndAnEmptyVariableIsUnset() {
        Demo demo = parse(Map.of("WEFT_DEMO_LEASE_TTL", "2h", "WEFT_DEMO_IFACE", ""), "--lease-ttl", "90s");

        assertThat(demo.leaseTtl).isEqualTo(Duration.ofSeconds(90));
        assertThat(demo.interfaces).isEmpty();
    }

    @Test
    void aSharedFlagAlsoReadsTheOtherProgramsVariableButItsOwnWins() {
        Demo demo = new Demo();
        new CommandLine(demo)
                .setDefaultValueProvider(new EnvironmentDefaults(
                        "weft-demo",
                        Map.of("FLANNELD_IFACE", "eth7", "FLANNELD_LEASE_TTL", "1h", "WEFT_DEMO_LEASE_TTL", ""),
                        "FLANNELD",
                        Set.of("--iface")))
                .parseArgs();

        assertThat(demo.interfaces).containsExactly("eth7");
        assertThat(demo.leaseTtl).as("not a shared flag").isEqualTo(Duration.ofHours(24));
        assertThat(new EnvironmentDefaults(
                                "weft-demo",
                                Map.of("FLANNELD_IFACE", "eth7", "WEFT_DEMO_IFACE", "eth0"),
                                "FLANNELD",
                                Set.of("--iface"))
                        .defaultValue(
                                new CommandLine(new Demo()).getCommandSpec().findOption("--iface")))
                .isEqualTo("eth0");
    }

    @Test
    void withoutVariablesTheFlagsKeepTheirDefaults() {
        assertThat(parse(Map.of()).leaseTtl).isEqualTo(Duration.ofHours(24));
    }

    private static Demo parse(Map<String, String> environment, String... args) {
        Demo demo = new Demo();
        new CommandLine(demo)
                .setDefaultValueProvider(new EnvironmentDefaults("weft-demo", environment))
                .parseArgs(args);
        return demo;
    }
}
