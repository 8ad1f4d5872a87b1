package io.weft.client.cli;

import picocli.CommandLine.Command;

/** {@code weftctl reserve}: groups the reservation commands. */
@Command(
        name = "reserve",
        mixinStandardHelpOptions = true,
        description = "Adds or removes a reservation: a subnet that permanently belongs to a node.",
        subcommands = {ReserveAddCommand.class, ReserveRemoveCommand.class})
final class ReserveCommand {}
