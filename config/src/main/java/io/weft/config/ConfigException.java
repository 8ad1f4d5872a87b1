package io.weft.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A network config was rejected. Carries every problem found, not just the first, so an operator
 * can fix the config in one pass; {@link #getMessage()} joins them with "; ".
 */
public final class ConfigException extends Exception {

    private final List<ConfigProblem> problems;

    /**
     * @throws IllegalArgumentException when {@code problems} is empty (there must be a reason)
     */
    public ConfigException(List<ConfigProblem> problems) {
        super(join(problems));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** The problems in the order found: document, EnableIPv4/6, IPv4 fields, IPv6 fields, Backend. */
    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String join(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("; "));
    }
}
