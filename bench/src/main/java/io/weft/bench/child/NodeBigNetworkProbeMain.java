package io.weft.bench.child;

import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.LeaseLoad;
import io.weft.bench.lab.ProcessCpu;
import io.weft.bench.lab.WeftClientPool;
import io.weft.client.ServerAddress;
import io.weft.testsupport.Readyz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The "nodestart" figure's helper, run inside the benchmark's network namespace next to an
 * allocator-server (with its own etcd) on the namespace's loopback. Starts weft-node into an
 * empty network twice (the first, not counted, warms the page cache and takes the lease), then into one where {@code smallPeers} and then {@code bigPeers} other nodes
 * hold leases (acquired through the allocator, 64 at a time), each from process start: time to
 * {@code subnet.env} written, time to {@code /readyz} 200 (peers programmed), lines the node
 * logged by then, and its resident memory two seconds after ready (VmRSS; anonymous and
 * file-backed from smaps_rollup; threads). Given a diagnosis directory, the node runs with
 * NativeMemoryTracking and its log, {@code jcmd VM.native_memory summary} and smaps_rollup are
 * copied there.
 * Prints {@code result key=value ...}; keys are prefixed {@code empty_}, {@code small_},
 * {@code big_}.
 *
 * <p>Arguments: server port, server HTTP port, small peers, big peers, path of weft-node's launcher,
 * work dir, diagnosis directory or {@code -}.
 */
public final class NodeBigNetworkProbeMain {

    private static final Duration WITHIN = Duration.ofSeconds(300);
    /** Leases acquired in one burst while the node runs in the big network. */
    public static final int BURST = 1_000;

    private NodeBigNetworkProbeMain() {}

    public static void main(String[] args) throws Exception {
        int serverPort = Integer.parseInt(args[0]);
        int serverHttpPort = Integer.parseInt(args[1]);
        int smallPeers = Integer.parseInt(args[2]);
        int bigPeers = Integer.parseInt(args[3]);
        Path launcher = Path.of(args[4]);
        Path work = Path.of(args[5]);
        Path diagnose = args[6].equals("-") ? null : Path.of(args[6]);
        BenchNetwork network = BenchNetwork.IPV4_8_IN_24;

        try (Readyz readyz = Readyz.on(serverHttpPort)) {
            readyz.await(Duration.ofSeconds(120), () -> {});
        }
        StringBuilder result = new StringBuilder("result small_peers=" + smallPeers + " big_peers=" + bigPeers);
        try (WeftClientPool clients = new WeftClientPool(new ServerAddress("127.0.0.1", serverPort), 8)) {
            clients.get(0).setConfig(network.json(), false);
            say("progress server ready in the namespace; a first start into an empty network, not counted");
            start(launcher, serverPort, work, "warm-up", null, null);
            say("progress starting weft-node into an empty network");
            result.append(start(launcher, serverPort, work, "empty", diagnose, null));

            say("progress acquiring " + smallPeers + " peer leases");
            LeaseLoad.acquire(clients, network, "peer", 0, smallPeers, 64, done -> {});
            say("progress starting weft-node with " + smallPeers + " peers");
            result.append(start(launcher, serverPort, work, "small", diagnose, null));

            say("progress acquiring " + (bigPeers - smallPeers) + " more peer leases");
            LeaseLoad.acquire(
                    clients,
                    network,
                    "peer",
                    smallPeers,
                    bigPeers - smallPeers,
                    64,
                    done -> say("progress   " + (smallPeers + done) + " of " + bigPeers + " leases held"));
            say("progress starting weft-node with " + bigPeers + " peers");
            result.append(start(launcher, serverPort, work, "big", diagnose, burst(clients, network, bigPeers)));
        }
        say(result.toString());
        System.exit(0);
    }

    /** Something done to a running node; answers its own part of the result line. */
    @FunctionalInterface
    private interface WhileRunning {
        String run(WeftNodeProcess node, Path log, String tag) throws Exception;
    }

    /**
     * One start from an empty kernel state and no subnet.env; answers its part of the result line.
     * {@code then}, when given, runs once the memory is read.
     */
    private static String start(Path launcher, int serverPort, Path work, String tag, Path diagnose, WhileRunning then)
            throws Exception {
        Shell.output("ip link del flannel.1");
        Path subnetFile = work.resolve("subnet.env");
        Files.deleteIfExists(subnetFile);
        Map<String, String> environment =
                diagnose != null ? Map.of("JAVA_TOOL_OPTIONS", "-XX:NativeMemoryTracking=summary") : Map.of();
        String name = "node-" + tag;
        Path log = work.resolve(name + ".log");
        StringBuilder part = new StringBuilder();
        try (WeftNodeProcess node = WeftNodeProcess.start(launcher, serverPort, work, name, environment)) {
            part.append(' ').append(tag).append("_subnet_ms=").append(node.awaitFileMillis(subnetFile, WITHIN));
            part.append(' ').append(tag).append("_lines_subnet=").append(lines(log));
            part.append(' ').append(tag).append("_ready_ms=").append(node.awaitReadyMillis(WITHIN));
            part.append(' ').append(tag).append("_routes=").append(Shell.lines("ip route show proto 0x77"));
            Thread.sleep(2_000);
            part.append(' ').append(tag).append("_lines_ready=").append(lines(log));
            part.append(' ').append(tag).append("_rss_kib=").append(node.statusKib("VmRSS"));
            part.append(' ').append(tag).append("_hwm_kib=").append(node.statusKib("VmHWM"));
            part.append(' ').append(tag).append("_threads=").append(node.statusKib("Threads"));
            Path rollup = Path.of("/proc", Long.toString(node.pid()), "smaps_rollup");
            for (String line : Files.readAllLines(rollup)) {
                String[] fields = line.split("\\s+");
                if (fields[0].equals("Anonymous:")) {
                    part.append(' ').append(tag).append("_anon_kib=").append(fields[1]);
                }
            }
            if (diagnose != null) {
                Files.createDirectories(diagnose);
                Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
                String summary = Shell.output(jcmd + " " + node.pid() + " VM.native_memory summary");
                Files.writeString(diagnose.resolve(name + "-nmt.txt"), summary);
                Files.writeString(
                        diagnose.resolve(name + "-threads.txt"),
                        Shell.output(jcmd + " " + node.pid() + " Thread.print | grep '^\"'"));
                Files.writeString(
                        diagnose.resolve(name + "-histogram.txt"),
                        Shell.output(jcmd + " " + node.pid() + " GC.class_histogram | head -45"));
                Files.write(diagnose.resolve(name + "-smaps-rollup.txt"), Files.readAllBytes(rollup));
                Files.writeString(
                        diagnose.resolve(name + "-smaps.txt"), Shell.output("cat /proc/" + node.pid() + "/smaps"));
            }
            if (then != null) {
                part.append(then.run(node, log, tag));
            }
        }
        if (diagnose != null) {
            Files.copy(log, diagnose.resolve(name + ".log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        say("progress " + tag + ":" + part);
        return part.toString();
    }

    /**
     * {@link #BURST} more nodes acquire leases (64 at a time) while the node runs: time until the
     * node has programmed a route to each, the reconciles that changed the kernel meanwhile (its
     * "kernel updated" lines) and the CPU time it used.
     */
    private static WhileRunning burst(WeftClientPool clients, BenchNetwork network, int peersBefore) {
        return (node, log, tag) -> {
            long routesBefore = Shell.lines("ip route show proto 0x77");
            long reconcilesBefore = linesContaining(log, "kernel updated");
            say("progress " + tag + ": " + BURST + " more nodes acquire leases while weft-node runs");
            long started = System.nanoTime();
            long[] acquiredMs = new long[1];
            ProcessCpu.Measured<Long> converged = new ProcessCpu()
                    .process("weft-node", node::pid)
                    .measure(() -> {
                        LeaseLoad.acquire(clients, network, "burst", peersBefore, BURST, 64, done -> {});
                        acquiredMs[0] = (System.nanoTime() - started) / 1_000_000;
                        long deadline = System.nanoTime() + WITHIN.toNanos();
                        while (Shell.lines("ip route show proto 0x77") < routesBefore + BURST) {
                            if (System.nanoTime() > deadline) {
                                throw new IllegalStateException(
                                        "weft-node did not program the burst's routes within " + WITHIN);
                            }
                            Thread.sleep(5);
                        }
                        return (System.nanoTime() - started) / 1_000_000;
                    });
            return " " + tag + "_burst_acquired_ms=" + acquiredMs[0] + " " + tag + "_burst_routes_ms="
                    + converged.result() + " " + tag + "_burst_reconciles="
                    + (linesContaining(log, "kernel updated") - reconcilesBefore) + " " + tag + "_burst_cpu_ms="
                    + converged.cpu().byProcess().get("weft-node").toMillis();
        };
    }

    private static long linesContaining(Path file, String text) throws IOException {
        try (var stream = Files.lines(file)) {
            return stream.filter(line -> line.contains(text)).count();
        }
    }

    private static long lines(Path file) throws IOException {
        try (var stream = Files.lines(file)) {
            return stream.count();
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
