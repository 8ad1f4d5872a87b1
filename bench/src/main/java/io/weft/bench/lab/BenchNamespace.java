package io.weft.bench.lab;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away network namespace for figure 6's weft-node ({@code ip netns add wbench-RANDOM}),
 * with its own loopback and a veth pair kept inside it: {@code eth0} (10.97.0.1/24, the node's
 * external interface and public address) and its peer. Nothing in it is reachable from the
 * host's namespace or from outside; the allocator-server and etcd it talks to run inside too,
 * on the namespace's loopback. {@link #close()} deletes it with everything in it.
 */
public final class BenchNamespace implements AutoCloseable {

    public static final String NODE_ADDRESS = "10.97.0.1";

    private final String name;

    private BenchNamespace(String name) {
        this.name = name;
    }

    /** Whether {@code ip netns} works here (root with iproute2); null when it does, else why not. */
    public static String unavailableReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "not root (network namespaces need root)";
        }
        try {
            Process ip = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true).start();
            ip.getInputStream().readAllBytes();
            return ip.waitFor() == 0 ? null : "'ip netns list' failed";
        } catch (IOException e) {
            return "no iproute2 'ip' command";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    public static BenchNamespace create() throws IOException, InterruptedException {
        String name = "wbench-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x10000, 0xfffff));
        run("ip", "netns", "add", name);
        BenchNamespace namespace = new BenchNamespace(name);
        try {
            run("ip", "-n", name, "link", "set", "lo", "up");
            run("ip", "-n", name, "link", "add", "eth0", "type", "veth", "peer", "name", "eth0-peer");
            run("ip", "-n", name, "addr", "add", NODE_ADDRESS + "/24", "dev", "eth0");
            run("ip", "-n", name, "link", "set", "eth0-peer", "up");
            run("ip", "-n", name, "link", "set", "eth0", "up");
            return namespace;
        } catch (IOException | RuntimeException e) {
            namespace.close();
            throw e;
        }
    }

    public String name() {
        return name;
    }

    /** {@code ip netns exec <name> command...}. */
    public List<String> exec(List<String> command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(command);
        return full;
    }

    @Override
    public void close() throws IOException {
        try {
            run("ip", "netns", "del", name);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while deleting network namespace " + name, e);
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output.trim());
        }
    }
}
