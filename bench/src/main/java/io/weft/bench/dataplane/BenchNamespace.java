package io.weft.bench.dataplane;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network namespace, {@code ip netns add weft-bench-RANDOM}, with a veth pair inside
 * as the underlay: {@link PeerFleet#UNDERLAY} with the fleet's own address (172.20.0.1/16, up)
 * and its peer {@value #PEER} (up, no address). Deleting the namespace takes every device,
 * route, neighbour and FDB entry inside with it; a shutdown hook deletes it too if the JVM ends
 * before {@link #close()} (Ctrl-C).
 *
 * <p>Not thread-safe; the commands it runs are iproute2's {@code ip} and {@code bridge}.
 */
final class BenchNamespace implements AutoCloseable {

    static final String PEER = "weft1";

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);

    private final String name;
    private final Thread cleanUp;
    private boolean closed;

    private BenchNamespace(String name) {
        this.name = name;
        this.cleanUp = Thread.ofPlatform().unstarted(() -> run(List.of("ip", "netns", "del", name)));
        Runtime.getRuntime().addShutdownHook(cleanUp);
    }

    /**
     * Why namespaces cannot be made here (not root, no {@code ip netns}, no vxlan support), or
     * empty when they can. Tries a namespace with a vxlan device once, then deletes it.
     */
    static Optional<String> unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return Optional.of("needs root to create network namespaces (running as "
                    + System.getProperty("user.name") + ")");
        }
        Result list = run(List.of("ip", "netns", "list"));
        if (list.exitCode() != 0) {
            return Optional.of("needs iproute2 with 'ip netns': " + list.output().strip());
        }
        try (BenchNamespace probe = create()) {
            Result vxlan = probe.tryTool("ip", "link", "add", "probe0", "type", "vxlan", "id", "1", "dstport", "8472",
                    "dev", PeerFleet.UNDERLAY);
            if (vxlan.exitCode() != 0) {
                return Optional.of("the kernel cannot create vxlan devices: " + vxlan.output().strip());
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("cannot set up a network namespace: " + e.getMessage());
        }
    }

    static BenchNamespace create() {
        String name = "weft-bench-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24, 1 << 28));
        check(run(List.of("ip", "netns", "add", name)));
        BenchNamespace namespace = new BenchNamespace(name);
        try {
            namespace.ip("link", "set", "lo", "up");
            namespace.ip("link", "add", PeerFleet.UNDERLAY, "mtu", Integer.toString(PeerFleet.UNDERLAY_MTU),
                    "type", "veth", "peer", "name", PEER);
            namespace.ip("addr", "add", PeerFleet.SELF_IP + "/" + PeerFleet.UNDERLAY_SUBNET.length(),
                    "dev", PeerFleet.UNDERLAY);
            namespace.ip("link", "set", PeerFleet.UNDERLAY, "up");
            namespace.ip("link", "set", PEER, "up");
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
        return namespace;
    }

    String name() {
        return name;
    }

    /** The file {@code NetlinkDataplane.openIn} takes. */
    Path file() {
        return Path.of("/var/run/netns", name);
    }

    /** {@code ip -n NAME ARGS}; answers the output, fails with it on a non-zero exit. */
    String ip(String... args) {
        return tool("ip", args);
    }

    /** {@code TOOL -n NAME ARGS} for ip or bridge; answers the output, fails with it on a non-zero exit. */
    String tool(String tool, String... args) {
        return check(tryTool(tool, args));
    }

    private Result tryTool(String tool, String... args) {
        List<String> command = new ArrayList<>(List.of(tool, "-n", name));
        command.addAll(List.of(args));
        return run(command);
    }

    /**
     * Runs {@code TOOL -n NAME -batch FILE} (TOOL is ip or bridge) and answers its wall-clock
     * time, process start included: that is what applying a batch with iproute2 costs.
     */
    Duration batch(String tool, Path file) {
        long start = System.nanoTime();
        Result result = run(List.of(tool, "-n", name, "-batch", file.toString()));
        long elapsed = System.nanoTime() - start;
        check(result);
        return Duration.ofNanos(elapsed);
    }

    /** Deletes the namespace and everything inside; a second call does nothing. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            check(run(List.of("ip", "netns", "del", name)));
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(cleanUp);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook runs anyway, and deleting twice is harmless.
            }
        }
    }

    record Result(String command, int exitCode, String output) {
    }

    private static String check(Result result) {
        if (result.exitCode() != 0) {
            throw new IllegalStateException(result.command() + " exited " + result.exitCode() + ": "
                    + result.output().strip());
        }
        return result.output();
    }

    private static Result run(List<String> command) {
        String line = String.join(" ", command);
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(line, -1, "timed out after " + COMMAND_TIMEOUT.toSeconds() + " s");
            }
            return new Result(line, process.exitValue(), output);
        } catch (IOException e) {
            return new Result(line, -1, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(line, -1, "interrupted");
        }
    }
}
