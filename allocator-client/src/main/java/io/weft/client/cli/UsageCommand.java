package io.weft.client.cli;

import io.weft.api.v1.FamilyUsage;
import io.weft.api.v1.GetUsageResponse;
import io.weft.client.WeftClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weftctl usage}: how many subnets are leased, reserved and free, per address family. */
@Command(
        name = "usage",
        mixinStandardHelpOptions = true,
        description = "Counts subnets per address family: capacity, leased, reserved and free.")
final class UsageCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputOption output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (WeftClient client = WeftctlCommand.of(spec).connect()) {
            GetUsageResponse usage = client.getUsage();
            if (output.json()) {
                OutputOption.printJson(out, usage);
                return 0;
            }
            TextTable table = new TextTable("FAMILY", "CAPACITY", "LEASED", "RESERVED", "FREE");
            for (FamilyUsage family : usage.getFamiliesList()) {
                table.row(
                        family.getFamily(),
                        Long.toUnsignedString(family.getCapacity()),
                        Long.toUnsignedString(family.getLeased()),
                        Long.toUnsignedString(family.getReserved()),
                        Long.toUnsignedString(family.getFree()));
            }
            table.print(out);
        }
        return 0;
    }
}
