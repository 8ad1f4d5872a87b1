package io.weft.node.e2e;

import io.weft.testsupport.CommandResult;
import io.weft.testsupport.NetworkNamespace;
import java.time.Duration;
import java.util.List;

/** Runs set-up commands (ip, sysctl, ping) for the namespace topology; test code only. */
final class Shell {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private Shell() {}

    /** Runs the command and answers its output; fails with the output when it exits non-zero. */
    static String run(String... command) {
        return tryRun(command).orThrow();
    }

    /** Runs a command in a network namespace. */
    static String inNetns(String netns, String... command) {
        return run(prefixed(netns, command));
    }

    static CommandResult tryInNetns(String netns, String... command) {
        return tryRun(prefixed(netns, command));
    }

    static String[] prefixed(String netns, String... command) {
        return NetworkNamespace.inside(netns, List.of(command)).toArray(String[]::new);
    }

    static CommandResult tryRun(String... command) {
        return CommandResult.of(List.of(command), TIMEOUT);
    }
}
