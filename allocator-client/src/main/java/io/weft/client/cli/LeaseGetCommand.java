package io.weft.client.cli;

import io.weft.api.v1.Lease;
import io.weft.client.WeftClient;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weftctl lease get}: one lease, found by subnet or by node. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = "Prints one lease, found by its subnet or by the node holding it.")
final class LeaseGetCommand implements Callable<Integer> {

    /** Exactly one of the two keys. */
    static final class Key {
        @Option(
                names = "--subnet",
                paramLabel = "CIDR",
                required = true,
                description = "The lease's subnet, e.g. 10.244.3.0/24.")
        String subnet;

        @Option(names = "--node", paramLabel = "NAME", required = true, description = "The node holding the lease.")
        String node;
    }

    @Spec
    private CommandSpec spec;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Key key;

    @Mixin
    private OutputOption output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (WeftClient client = WeftctlCommand.of(spec).connect()) {
            Lease lease = key.subnet != null ? client.getLeaseBySubnet(key.subnet) : client.getLeaseByNode(key.node);
            if (output.json()) {
                OutputOption.printJson(out, lease);
            } else {
                LeaseTable.of(List.of(lease), Instant.now()).print(out);
            }
        }
        return 0;
    }
}
