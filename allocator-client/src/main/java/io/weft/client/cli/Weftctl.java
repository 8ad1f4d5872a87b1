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
        System.exit(commandLine(new WeftctlCommand(System.in)).execute(args));
    }

    /** The command line with weftctl's converters and the launchers' one error style. */
    static CommandLine commandLine(WeftctlCommand root) {
        return LauncherErrors.commandLine(root, StatusText::of)
                .registerConverter(ServerAddress.class, ServerAddressConverter.INSTANCE)
                .setCaseInsensitiveEnumValuesAllowed(true);
    }
}
