package io.weft.bench.child;

import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.ShortCommand;
import io.weft.bench.lab.WeftClientPool;
import io.weft.client.ServerAddress;
import io.weft.testsupport.Readyz;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Figure 7's weft-node probe, run inside the figure's network namespace next to an
 * allocator-server (with its own etcd) on the namespace's loopback. Sets the network config,
 * then starts weft-node from the release folder with its AOT cache and from the cache-less view
 * of it, alternately, and times each from process start to {@code subnet.env} existing (written
 * whole, then renamed into place). Each start begins with no {@code flannel.1} and no
 * {@code subnet.env}; the agent is stopped with SIGTERM before the next one. No peers: an empty
 * network.
 *
 * <p>Arguments: server port, server HTTP port, release weft-node, cache-less weft-node, work dir,
 * rounds. Prints {@code result node_aot_ms=M node_plain_ms=M node_aot_all=a,b,.. node_plain_all=..}.
 */
public final class NodeSubnetFileProbeMain {

    private static final Duration WRITTEN_WITHIN = Duration.ofSeconds(120);

    private NodeSubnetFileProbeMain() {}

    public static void main(String[] args) throws Exception {
        int serverPort = Integer.parseInt(args[0]);
        int serverHttpPort = Integer.parseInt(args[1]);
        Path withCache = Path.of(args[2]);
        Path withoutCache = Path.of(args[3]);
        Path work = Path.of(args[4]);
        int rounds = Integer.parseInt(args[5]);

        try (Readyz readyz = Readyz.on(serverHttpPort)) {
            readyz.await(Duration.ofSeconds(120), () -> {});
        }
        try (WeftClientPool clients = new WeftClientPool(new ServerAddress("127.0.0.1", serverPort), 1)) {
            clients.get(0).setConfig(BenchNetwork.IPV4_8_IN_24.json(), false);
        }
        long[] cached = new long[rounds];
        long[] plain = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            cached[i] = subnetFileMillis(withCache, serverPort, work);
            plain[i] = subnetFileMillis(withoutCache, serverPort, work);
            say(String.format(
                    Locale.ROOT, "progress round %d: %d ms with the cache, %d ms without", i + 1, cached[i], plain[i]));
        }
        say("result node_aot_ms=" + ShortCommand.median(cached) + " node_plain_ms=" + ShortCommand.median(plain)
                + " node_aot_all=" + joined(cached) + " node_plain_all=" + joined(plain));
        System.exit(0);
    }

    private static long subnetFileMillis(Path launcher, int serverPort, Path work) throws Exception {
        new ProcessBuilder("ip", "link", "del", "flannel.1")
                .redirectErrorStream(true)
                .start()
                .waitFor();
        Path subnetFile = work.resolve("subnet.env");
        Files.deleteIfExists(subnetFile);
        try (WeftNodeProcess node = WeftNodeProcess.start(launcher, serverPort, work, "weft-node", Map.of())) {
            return node.awaitFileMillis(subnetFile, WRITTEN_WITHIN);
        }
    }

    private static String joined(long[] values) {
        StringBuilder text = new StringBuilder();
        for (long value : values) {
            text.append(text.isEmpty() ? "" : ",").append(value);
        }
        return text.toString();
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
