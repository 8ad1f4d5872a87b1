package io.weft.client.cli;

import io.weft.api.v1.NetworkConfig;
import io.weft.client.WeftClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code weftctl config set FILE}: validates and stores a net-conf JSON file. */
@Command(
        name = "set",
        mixinStandardHelpOptions = true,
        description = {
            "Validates and stores a network config (flannel's net-conf JSON).",
            "The server reports every problem at once and refuses a change that would leave "
                    + "existing leases outside the new ranges, unless --force is given."
        })
final class ConfigSetCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The JSON file, or - for stdin.")
    private String file;

    @Option(names = "--force", description = "Store it even if existing leases fall outside it.")
    private boolean force;

    @Override
    public Integer call() {
        String json = readConfig();
        PrintWriter out = spec.commandLine().getOut();
        try (WeftClient client = WeftctlCommand.of(spec).connect()) {
            NetworkConfig stored = client.setConfig(json, force);
            out.println("stored the network config at revision " + stored.getModRevision() + ": " + summary(stored));
        }
        return 0;
    }

    private String readConfig() {
        try {
            return "-".equals(file)
                    ? new String(WeftctlCommand.of(spec).stdin().readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
        } catch (NoSuchFileException e) {
            throw new ParameterException(spec.commandLine(), "FILE " + file + ": no such file");
        } catch (IOException e) {
            throw new ParameterException(
                    spec.commandLine(), "FILE " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    static String summary(NetworkConfig config) {
        StringBuilder text = new StringBuilder();
        if (!config.getNetwork().isEmpty()) {
            text.append("network ")
                    .append(config.getNetwork())
                    .append(" with /")
                    .append(config.getSubnetLen())
                    .append(" subnets");
        }
        if (!config.getIpv6Network().isEmpty()) {
            text.append(text.isEmpty() ? "" : ", ")
                    .append("IPv6 network ")
                    .append(config.getIpv6Network())
                    .append(" with /")
                    .append(config.getIpv6SubnetLen())
                    .append(" subnets");
        }
        return text.append(text.isEmpty() ? "" : ", ")
                .append("backend ")
                .append(config.getBackendType())
                .toString();
    }
}
