package io.weft.client.cli;

import io.weft.api.v1.DeleteReservationResponse;
import io.weft.client.WeftClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weftctl reserve remove SUBNET}: removes a reservation. */
@Command(
        name = "remove",
        mixinStandardHelpOptions = true,
        description = {
            "Removes a reservation. A node using the subnet keeps it as an ordinary " + "lease while it renews."
        })
final class ReserveRemoveCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SUBNET", description = "The reserved subnet (CIDR).")
    private String subnet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (WeftClient client = WeftctlCommand.of(spec).connect()) {
            DeleteReservationResponse removed = client.deleteReservation(subnet);
            out.println("removed the reservation of " + subnet
                    + (removed.getConvertedToLease() ? "; its node keeps it as an ordinary lease" : ""));
        }
        return 0;
    }
}
