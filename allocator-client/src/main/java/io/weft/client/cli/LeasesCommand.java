package io.weft.client.cli;

import io.weft.api.v1.ListLeasesResponse;
import io.weft.client.WeftClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weftctl leases}: every lease and reservation. */
@Command(
        name = "leases",
        mixinStandardHelpOptions = true,
        description = "Lists every lease and reservation, ordered by subnet.")
final class LeasesCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputOption output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (WeftClient client = WeftctlCommand.of(spec).connect()) {
            ListLeasesResponse leases = client.listLeases();
            if (output.json()) {
                OutputOption.printJson(out, leases);
            } else {
                LeaseTable.of(leases.getLeasesList(), Instant.now()).print(out);
            }
        }
        return 0;
    }
}
