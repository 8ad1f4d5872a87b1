package io.weft.client.cli;

import io.weft.api.v1.NetworkConfig;
import io.weft.client.WeftClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weftctl config get}: prints the stored net-conf JSON, ready for {@code config set}. */
@Command(
        name = "get",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the stored network config as stored (flannel's net-conf JSON).",
            "With -o json, prints the API's NetworkConfig: the JSON plus the values after defaults."
        })
final class ConfigGetCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputOption output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (WeftClient client = WeftctlCommand.of(spec).connect()) {
            NetworkConfig config = client.getConfig();
            if (output.json()) {
                OutputOption.printJson(out, config);
            } else {
                out.println(config.getJson().strip());
            }
        }
        return 0;
    }
}
