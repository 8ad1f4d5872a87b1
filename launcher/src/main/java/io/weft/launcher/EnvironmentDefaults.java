package io.weft.launcher;

import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every flag of a daemon can also come from its environment, for systemd's
 * {@code EnvironmentFile=}: {@code WEFT_<PROGRAM>_<FLAG>}, upper case, dashes as underscores
 * ({@code --lease-ttl} of weft-allocator is {@code WEFT_ALLOCATOR_LEASE_TTL}, {@code --iface} of
 * weft-node {@code WEFT_NODE_IFACE}). A flag given on the command line wins; a variable that is
 * set but empty counts as unset.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {

    private final String program;
    private final Map<String, String> environment;

    public EnvironmentDefaults(String program, Map<String, String> environment) {
        this.program = program;
        this.environment = Map.copyOf(environment);
    }

    /** The variable that stands for a program's flag. */
    public static String variable(String program, String flag) {
        String name = program.replaceFirst("^weft-", "") + "_" + flag.replaceFirst("^-+", "");
        return "WEFT_" + name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String value = environment.get(variable(program, option.longestName()));
        return value == null || value.isEmpty() ? null : value;
    }
}
