package io.weft.testsupport;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A throw-away network namespace, {@code ip netns add PREFIX-RANDOM} with its loopback up, and
 * the iproute2 commands run in it. Deleting it takes every device, route, neighbour and FDB
 * entry inside with it; a shutdown hook deletes it too if the JVM ends before {@link #close()}
 * (Ctrl-C during a benchmark). What goes inside (veth pairs, bridges, addresses) is the caller's.
 *
 * <p>Not thread-safe. Needs root and iproute2; {@link #unavailableReason()} says when not.
 */
public final class NetworkNamespace implements AutoCloseable {

    private final String name;
    private final Thread cleanUp;
    private boolean closed;

    private NetworkNamespace(String name) {
        this.name = name;
        this.cleanUp = Thread.ofPlatform().unstarted(() -> CommandResult.of(List.of("ip", "netns", "del", name)));
        Runtime.getRuntime().addShutdownHook(cleanUp);
    }

    /** Why namespaces cannot be made here (not root, no {@code ip netns}), or empty when they can. */
    public static Optional<String> unavailableReason() {
        String user = System.getProperty("user.name");
        if (!"root".equals(user)) {
            return Optional.of("needs root to create network namespaces (running as " + user + ")");
        }
        CommandResult list = CommandResult.of(List.of("ip", "netns", "list"), Duration.ofSeconds(30));
        return list.exitCode() == 0
                ? Optional.empty()
                : Optional.of("needs iproute2 with 'ip netns': " + list.output().strip());
    }

    /** A new namespace named {@code prefix-} and a random hex number, its loopback up. */
    public static NetworkNamespace create(String prefix) {
        String name =
                prefix + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20, 1 << 24));
        CommandResult.of(List.of("ip", "netns", "add", name)).orThrow();
        NetworkNamespace namespace = new NetworkNamespace(name);
        try {
            namespace.ip("link", "set", "lo", "up");
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    public String name() {
        return name;
    }

    /** The namespace's file, which {@code NetlinkDataplane.openIn} takes. */
    public Path file() {
        return Path.of("/var/run/netns", name);
    }

    /** {@code ip -n NAME ARGS}; answers the output, fails with it on a non-zero exit. */
    public String ip(String... args) {
        return tryTool("ip", args).orThrow();
    }

    /** {@code ip -n NAME ARGS} without failing: for commands expected to fail. */
    public CommandResult tryIp(String... args) {
        return tryTool("ip", args);
    }

    /** {@code bridge -n NAME ARGS}; answers the output, fails with it on a non-zero exit. */
    public String bridge(String... args) {
        return tryTool("bridge", args).orThrow();
    }

    /** {@code TOOL -n NAME ARGS} for ip or bridge, without failing. */
    public CommandResult tryTool(String tool, String... args) {
        List<String> command = new ArrayList<>(List.of(tool, "-n", name));
        command.addAll(List.of(args));
        return CommandResult.of(command);
    }

    /**
     * Adds a veth pair inside as an underlay, both ends up: {@code device} with these addresses
     * (CIDR; IPv6 without duplicate address detection, so usable at once) and {@code peer} with
     * none, so that the other addresses of the subnets stand for remote hosts.
     *
     * @param mtu the pair's MTU, or 0 for the kernel's default
     */
    public void addUnderlay(String device, String peer, int mtu, List<String> addresses) {
        List<String> add = new ArrayList<>(List.of("link", "add", device));
        if (mtu > 0) {
            add.addAll(List.of("mtu", Integer.toString(mtu)));
        }
        add.addAll(List.of("type", "veth", "peer", "name", peer));
        ip(add.toArray(String[]::new));
        for (String address : addresses) {
            if (address.contains(":")) {
                ip("addr", "add", address, "dev", device, "nodad");
            } else {
                ip("addr", "add", address, "dev", device);
            }
        }
        ip("link", "set", device, "up");
        ip("link", "set", peer, "up");
    }

    /** {@code ip netns exec NAME COMMAND...}: the command line that runs {@code command} inside. */
    public List<String> exec(List<String> command) {
        return inside(name, command);
    }

    /** {@code ip netns exec NAMESPACE COMMAND...}, for a namespace this class did not make. */
    public static List<String> inside(String namespace, List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace));
        full.addAll(command);
        return full;
    }

    /** Deletes the namespace and everything inside; a second call does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            CommandResult.of(List.of("ip", "netns", "del", name)).orThrow();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs anyway, and deleting twice is harmless.
            }
        }
    }
}
