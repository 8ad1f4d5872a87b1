package io.weft.launcher;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every flag of a daemon can also come from its environment, for systemd's
 * {@code EnvironmentFile=}: {@code WEFT_<PROGRAM>_<FLAG>}, upper case, dashes as underscores
 * ({@code --lease-ttl} of weft-allocator is {@code WEFT_ALLOCATOR_LEASE_TTL}, {@code --iface} of
 * weft-node {@code WEFT_NODE_IFACE}). A flag given on the command line wins; a variable that is
 * set but empty counts as unset. A program may also read a second prefix for the flags it shares
 * with another program by name (weft-node reads flanneld's {@code FLANNELD_IFACE},
 * {@code FLANNELD_PUBLIC_IP}, ...); its own variable wins over that one.
 */
public final class EnvironmentDefaults implements IDefaultValueProvider {

    private final String program;
    private final Map<String, String> environment;
    private final Set<String> sharedFlags;
    private final String sharedPrefix;

    public EnvironmentDefaults(String program, Map<String, String> environment) {
        this(program, environment, "", Set.of());
    }

    /** Also reads {@code <sharedPrefix>_<FLAG>} for the flags in sharedFlags (long names, with dashes). */
    public EnvironmentDefaults(
            String program, Map<String, String> environment, String sharedPrefix, Set<String> sharedFlags) {
        this.program = program;
        this.environment = Map.copyOf(environment);
        this.sharedPrefix = sharedPrefix;
        this.sharedFlags = Set.copyOf(sharedFlags);
    }

    /** The variable that stands for a program's flag. */
    public static String variable(String program, String flag) {
        return "WEFT_" + upper(program.replaceFirst("^weft-", "") + "_" + flag.replaceFirst("^-+", ""));
    }

    @Override
    public String defaultValue(ArgSpec argument) {
        if (!(argument instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String value = environment.get(variable(program, option.longestName()));
        if ((value == null || value.isEmpty()) && sharedFlags.contains(option.longestName())) {
            value = environment.get(
                    sharedPrefix + "_" + upper(option.longestName().replaceFirst("^-+", "")));
        }
        return value == null || value.isEmpty() ? null : value;
    }

    private static String upper(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
