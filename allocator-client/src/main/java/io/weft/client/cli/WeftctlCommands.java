package io.weft.client.cli;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import picocli.AutoComplete;
import picocli.CommandLine.Command;

/**
 * weftctl's commands, and which of them one command line needs. picocli reads every option of
 * every command it is given by reflection, in its own classes that the JVM's ahead-of-time cache
 * cannot hold (they are Java 5 class files), so building the whole tree costs each call start-up
 * time: a call that names one command gets that one; help, shell completion and anything unclear
 * get them all, as before.
 */
final class WeftctlCommands {

    /** Every command, in the order {@code weftctl --help} lists them. */
    static final List<Class<?>> ALL = List.of(
            ConfigCommand.class,
            LeasesCommand.class,
            LeaseCommand.class,
            ReserveCommand.class,
            WatchCommand.class,
            UsageCommand.class,
            CheckCommand.class,
            AutoComplete.GenerateCompletion.class);

    /** The commands a call may name alone; completion needs the whole tree, so it is not one. */
    private static final Map<String, Class<?>> ALONE = ALL.stream()
            .filter(command -> command != AutoComplete.GenerateCompletion.class)
            .collect(Collectors.toUnmodifiableMap(
                    command -> command.getAnnotation(Command.class).name(), Function.identity()));

    private WeftctlCommands() {}

    /** The one command {@code args} name, or all of them when they name none or several. */
    static List<Class<?>> neededBy(String... args) {
        List<Class<?>> named = Arrays.stream(args)
                .map(ALONE::get)
                .filter(Objects::nonNull)
                .distinct()
                .toList();
        return named.size() == 1 ? named : ALL;
    }
}
