package io.weft.client.cli;

import picocli.CommandLine.Command;

/** {@code weftctl lease}: groups the commands on one lease. */
@Command(
        name = "lease",
        mixinStandardHelpOptions = true,
        description = "Reads or releases one lease.",
        subcommands = {LeaseGetCommand.class, LeaseReleaseCommand.class})
final class LeaseCommand {}
