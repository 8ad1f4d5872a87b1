package io.weft.client.cli;

import io.weft.client.WeftClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weftctl lease release SUBNET}: gives a subnet back. */
@Command(
        name = "release",
        mixinStandardHelpOptions = true,
        description = {
            "Releases a lease. With --node, only if that node holds it; without, "
                    + "whoever holds it (an operator's action). A reservation is kept."
        })
final class LeaseReleaseCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SUBNET", description = "The lease's subnet (CIDR).")
    private String subnet;

    @Option(names = "--node", paramLabel = "NAME", defaultValue = "", description = "The node that must be holding it.")
    private String node;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (WeftClient client = WeftctlCommand.of(spec).connect()) {
            long revision = client.release(subnet, node);
            out.println(
                    revision == 0
                            ? subnet + " is reserved: the reservation is kept"
                            : "released " + subnet + " at revision " + revision);
        }
        return 0;
    }
}
