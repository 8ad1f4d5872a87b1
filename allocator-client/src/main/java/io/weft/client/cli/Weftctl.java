package io.weft.client.cli;

import io.weft.client.ServerAddress;
import io.weft.launcher.LauncherErrors;
import picocli.CommandLine;

/** The {@code weftctl} entry point: wires picocli and exits with the command's code. */
public final class Weftctl {

    private Weftctl() {}

    public static void main(String[] args) {
        // weftctl reports errors itself, in one line; library logging would only repeat them.
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "error");
        }
        System.exit(commandLine(new WeftctlCommand(System.in), args).execute(args));
    }

    /**
     * The command line for {@code args}, with weftctl's converters and the launchers' one error
     * style: the root command and the commands {@link WeftctlCommands#neededBy} {@code args}.
     */
    static CommandLine commandLine(WeftctlCommand root, String... args) {
        CommandLine commandLine = LauncherErrors.commandLine(root, StatusText::of);
        for (Class<?> command : WeftctlCommands.neededBy(args)) {
            commandLine.addSubcommand(command);
        }
        return commandLine
                .registerConverter(ServerAddress.class, ServerAddressConverter.INSTANCE)
                .setCaseInsensitiveEnumValuesAllowed(true);
    }
}
