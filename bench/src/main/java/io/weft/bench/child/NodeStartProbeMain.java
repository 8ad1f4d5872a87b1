package io.weft.bench.child;

import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.LeaseLoad;
import io.weft.bench.lab.RemoteJvm;
import io.weft.bench.lab.WeftClientPool;
import io.weft.client.ServerAddress;
import io.weft.testsupport.Readyz;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Figure 6's helper, run inside the benchmark's network namespace next to an allocator-server
 * (with its own etcd) on the namespace's loopback. Sets the network config, starts weft-node
 * with no peers and times it to {@code /readyz}; then acquires {@code peers} leases for other
 * nodes, starts weft-node again, times it, counts weft's routes, neighbours and FDB entries in
 * the kernel, reads its resident memory two seconds after it became ready, then what the JVM
 * says it holds. A third start with {@code JAVA_TOOL_OPTIONS=<tuned flags>} shows what heap
 * settings would change. Prints {@code result start_empty_ms=... rss_kib=... routes=...}.
 *
 * <p>Arguments: server port, server HTTP port, peers, path of bin/weft-node, work dir, tuned flags.
 */
public final class NodeStartProbeMain {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private NodeStartProbeMain() {}

    public static void main(String[] args) throws Exception {
        int serverPort = Integer.parseInt(args[0]);
        int serverHttpPort = Integer.parseInt(args[1]);
        int peers = Integer.parseInt(args[2]);
        Path launcher = Path.of(args[3]);
        Path work = Path.of(args[4]);
        String tunedFlags = args[5];
        BenchNetwork network = BenchNetwork.IPV4_8_IN_24;

        awaitServer(serverHttpPort);
        StringBuilder result = new StringBuilder("result peers=" + peers);
        try (WeftClientPool clients = new WeftClientPool(new ServerAddress("127.0.0.1", serverPort), 8)) {
            clients.get(0).setConfig(network.json(), false);
            say("progress server ready in the namespace; starting weft-node with no peers");
            try (WeftNodeProcess node = WeftNodeProcess.start(launcher, serverPort, work, "node-empty", Map.of())) {
                result.append(" start_empty_ms=").append(node.awaitReadyMillis(READY_TIMEOUT));
            }
            Shell.output("ip link del flannel.1");
            say("progress acquiring " + peers + " peer leases");
            LeaseLoad.acquire(clients, network, "peer", 0, peers, 64, done -> {});

            say("progress starting weft-node with " + peers + " peers");
            try (WeftNodeProcess node = WeftNodeProcess.start(launcher, serverPort, work, "node-peers", Map.of())) {
                result.append(" start_peers_ms=").append(node.awaitReadyMillis(READY_TIMEOUT));
                result.append(" routes=")
                        .append(Shell.lines("ip route show proto 0x77"))
                        .append(" neighbours=")
                        .append(Shell.lines("ip neigh show dev flannel.1 nud permanent"))
                        .append(" fdb=")
                        .append(Shell.lines("bridge fdb show dev flannel.1 | grep dst"));
                Thread.sleep(2_000);
                result.append(" rss_kib=")
                        .append(node.statusKib("VmRSS"))
                        .append(" hwm_kib=")
                        .append(node.statusKib("VmHWM"));
                try (RemoteJvm jvm = RemoteJvm.attach(node.pid())) {
                    RemoteJvm.Memory memory = jvm.memory();
                    result.append(" heap_committed_kib=")
                            .append(memory.heapCommitted() / 1024)
                            .append(" heap_live_kib=")
                            .append(memory.heapUsedAfterGc() / 1024)
                            .append(" nonheap_committed_kib=")
                            .append(memory.nonHeapCommitted() / 1024)
                            .append(" threads=")
                            .append(memory.threads());
                }
            }
            Shell.output("ip link del flannel.1");

            say("progress starting weft-node with " + peers + " peers and JAVA_TOOL_OPTIONS=" + tunedFlags);
            try (WeftNodeProcess node = WeftNodeProcess.start(
                    launcher, serverPort, work, "node-tuned", Map.of("JAVA_TOOL_OPTIONS", tunedFlags))) {
                result.append(" start_tuned_ms=").append(node.awaitReadyMillis(READY_TIMEOUT));
                result.append(" routes_tuned=").append(Shell.lines("ip route show proto 0x77"));
                Thread.sleep(2_000);
                result.append(" rss_tuned_kib=").append(node.statusKib("VmRSS"));
            }
        }
        say(result.toString());
        System.exit(0);
    }

    private static void awaitServer(int httpPort) {
        try (Readyz readyz = Readyz.on(httpPort)) {
            readyz.await(Duration.ofSeconds(120), () -> {});
        }
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
