package io.weft.node.netlink;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network namespace for one test class, made with {@code ip netns add
 * weft-test-RANDOM}, with a veth pair inside it as the underlay: {@value #UNDERLAY}
 * (192.168.77.1/24, fd77::1/64, IPv6 without duplicate address detection so it is usable at
 * once) and its peer {@value #PEER}, both up. The peer holds no address, so the other addresses
 * of the underlay's subnets (such as 192.168.77.2 and fd77::2) are remote hosts that can serve as
 * gateways. Tests may use {@link #ip} and {@link #bridge} to set up fixtures and to cross-check
 * what netlink did.
 */
final class TestNamespace implements AutoCloseable {

    static final String UNDERLAY = "weft0";
    static final String PEER = "weft1";
    static final IpAddress UNDERLAY_IPV4 = IpAddress.parse("192.168.77.1");
    static final IpPrefix UNDERLAY_IPV4_SUBNET = IpPrefix.parse("192.168.77.0/24");
    static final IpAddress UNDERLAY_IPV6 = IpAddress.parse("fd77::1");
    static final IpPrefix UNDERLAY_IPV6_SUBNET = IpPrefix.parse("fd77::/64");

    private final String name;

    private TestNamespace(String name) {
        this.name = name;
    }

    /** Skips the calling test class unless it runs as root with iproute2's netns support. */
    static void assumeAvailable() {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to create network namespaces");
        assumeTrue(run(List.of("ip", "netns", "list")).exitCode() == 0, "needs iproute2 with 'ip netns'");
    }

    static TestNamespace create() {
        assumeAvailable();
        String name = "weft-test-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 24, 1 << 28));
        check(run(List.of("ip", "netns", "add", name)));
        TestNamespace namespace = new TestNamespace(name);
        try {
            namespace.ip("link", "set", "lo", "up");
            namespace.ip("link", "add", UNDERLAY, "type", "veth", "peer", "name", PEER);
            namespace.ip("addr", "add", UNDERLAY_IPV4 + "/24", "dev", UNDERLAY);
            namespace.ip("addr", "add", UNDERLAY_IPV6 + "/64", "dev", UNDERLAY, "nodad");
            namespace.ip("link", "set", UNDERLAY, "up");
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

    /** The file {@link NetlinkDataplane#openIn} takes. */
    Path file() {
        return Path.of("/var/run/netns", name);
    }

    /** {@code ip -n NAME ARGS}; answers the output, fails with it on a non-zero exit. */
    String ip(String... args) {
        return check(run(prefixed("ip", args)));
    }

    /** {@code ip -n NAME ARGS} without failing: for commands expected to fail. */
    Result tryIp(String... args) {
        return run(prefixed("ip", args));
    }

    /** {@code bridge -n NAME ARGS}. */
    String bridge(String... args) {
        return check(run(prefixed("bridge", args)));
    }

    private List<String> prefixed(String tool, String... args) {
        List<String> command = new ArrayList<>(List.of(tool, "-n", name));
        command.addAll(List.of(args));
        return command;
    }

    /** Deletes the namespace and with it every device and route inside. */
    @Override
    public void close() {
        check(run(List.of("ip", "netns", "del", name)));
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
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return new Result(line, -1, "timed out");
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
