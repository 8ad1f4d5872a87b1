package io.weft.client.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import picocli.AutoComplete;

class WeftctlCommandsTest {

    @Test
    void aCallThatNamesOneCommandBuildsOnlyThatOne() {
        assertThat(WeftctlCommands.neededBy("--server", "10.0.0.1:7070", "leases", "-o", "json"))
                .containsExactly(LeasesCommand.class);
        assertThat(WeftctlCommands.neededBy("config", "set", "net-conf.json")).containsExactly(ConfigCommand.class);
    }

    @Test
    void helpCompletionAndAnythingUnclearBuildEveryCommand() {
        assertThat(WeftctlCommands.neededBy("--help")).isEqualTo(WeftctlCommands.ALL);
        assertThat(WeftctlCommands.neededBy()).isEqualTo(WeftctlCommands.ALL);
        assertThat(WeftctlCommands.neededBy("generate-completion")).isEqualTo(WeftctlCommands.ALL);
        assertThat(WeftctlCommands.neededBy("lease", "get", "leases"))
                .as("a value that is also a command's name")
                .isEqualTo(WeftctlCommands.ALL);
        assertThat(WeftctlCommands.ALL).contains(AutoComplete.GenerateCompletion.class);
    }

    @Test
    void theHelpOfTheRootListsEveryCommandAndACommandsHelpItsOptions() {
        WeftctlRun root = WeftctlRun.of("--help");
        assertThat(root.out())
                .contains("config", "leases", "lease", "reserve", "watch", "usage", "generate-completion");

        WeftctlRun leases = WeftctlRun.of("leases", "--help");
        assertThat(leases.exitCode()).isZero();
        assertThat(leases.out()).contains("Usage: weftctl leases", "--server", "--output");
    }
}
