package io.weft.client.cli;

import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.Lease;
import io.weft.client.WeftClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weftctl reserve add SUBNET --node NAME}: reserves a subnet for a node. */
@Command(
        name = "add",
        mixinStandardHelpOptions = true,
        description = "Reserves a subnet for a node. It never expires; the node gets it when it asks.")
final class ReserveAddCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SUBNET", description = "The subnet to reserve (CIDR).")
    private String subnet;

    @Option(names = "--node", paramLabel = "NAME", required = true, description = "The node it is reserved for.")
    private String node;

    @Option(
            names = "--public-ip",
            paramLabel = "IP",
            defaultValue = "",
            description = "The node's public IPv4 address (flanneld matches reservations by it).")
    private String publicIp;

    @Option(
            names = "--ipv6-subnet",
            paramLabel = "CIDR",
            defaultValue = "",
            description = "The IPv6 subnet to reserve with it, on a dual-stack network.")
    private String ipv6Subnet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CreateReservationRequest request = CreateReservationRequest.newBuilder()
                .setSubnet(subnet)
                .setNodeName(node)
                .setPublicIp(publicIp)
                .setIpv6Subnet(ipv6Subnet)
                .build();
        try (WeftClient client = WeftctlCommand.of(spec).connect()) {
            Lease reserved = client.createReservation(request);
            out.println("reserved " + reserved.getSubnet()
                    + (reserved.getIpv6Subnet().isEmpty() ? "" : " and " + reserved.getIpv6Subnet())
                    + " for " + reserved.getNodeName());
        }
        return 0;
    }
}
