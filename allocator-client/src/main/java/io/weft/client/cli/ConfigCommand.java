package io.weft.client.cli;

import picocli.CommandLine.Command;

/** {@code weftctl config}: groups the network config commands. */
@Command(
        name = "config",
        mixinStandardHelpOptions = true,
        description = "Reads or stores the network config (flannel's net-conf.json).",
        subcommands = {ConfigGetCommand.class, ConfigSetCommand.class})
final class ConfigCommand {}
