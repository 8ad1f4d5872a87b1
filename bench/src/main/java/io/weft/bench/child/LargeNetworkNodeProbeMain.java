package io.weft.bench.child;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.weft.allocator.store.KeyLayout;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.EtcdLeaseFill;
import io.weft.config.IpPrefix;
import io.weft.testsupport.LaunchedProcess;
import io.weft.testsupport.LoopbackPorts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The 250k figure's weft-node probe, run inside a fresh network namespace: starts etcd there,
 * writes the network config and {@code leases} leases straight into it (10.0.0.0/8 in /26s),
 * starts allocator-server on it, and times one weft-node from process start to
 * {@code subnet.env} written. Everything it starts lives in the namespace and stops with it.
 *
 * <p>Arguments: leases, weft-node launcher, work dir. Prints
 * {@code result fill_ms=.. server_ready_ms=.. node_subnet_env_ms=..}.
 */
public final class LargeNetworkNodeProbeMain {

    private static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_26;
    private static final Duration WITHIN = Duration.ofSeconds(180);

    private LargeNetworkNodeProbeMain() {}

    public static void main(String[] args) throws Exception {
        int leases = Integer.parseInt(args[0]);
        Path launcher = Path.of(args[1]);
        Path work = Path.of(args[2]);
        KeyLayout layout = new KeyLayout(KeyLayout.DEFAULT_PREFIX);
        try (BenchEtcd etcd = BenchEtcd.start(Files.createDirectories(work.resolve("etcd")))) {
            try (Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
                client.getKVClient()
                        .put(bytes(layout.configKey()), bytes(NETWORK.json()))
                        .get(60, TimeUnit.SECONDS);
            }
            say("progress etcd in the namespace; writing " + leases + " leases into it");
            long filling = System.nanoTime();
            EtcdLeaseFill.fill(
                    etcd.endpoint(),
                    layout.prefix(),
                    NETWORK,
                    IpPrefix.parse("10.0.0.0/8"),
                    26,
                    "fill",
                    200_000,
                    leases,
                    done -> say("progress   " + done + " of " + leases + " written"));
            long fillMillis = (System.nanoTime() - filling) / 1_000_000;
            int port = LoopbackPorts.free();
            int httpPort = LoopbackPorts.free();
            List<String> server = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "io.weft.allocator.AllocatorMain",
                    "--etcd-endpoints",
                    etcd.endpoint(),
                    "--listen",
                    "127.0.0.1:" + port,
                    "--http-listen",
                    "127.0.0.1:" + httpPort);
            long starting = System.nanoTime();
            try (LaunchedProcess allocator = LaunchedProcess.start(server, work.resolve("allocator.log"))) {
                allocator.awaitReady(httpPort, WITHIN);
                long readyMillis = (System.nanoTime() - starting) / 1_000_000;
                say("progress allocator-server ready in " + readyMillis + " ms; starting weft-node");
                long nodeMillis;
                try (WeftNodeProcess node = WeftNodeProcess.start(launcher, port, work, "weft-node", Map.of())) {
                    nodeMillis = node.awaitFileMillis(work.resolve("subnet.env"), WITHIN);
                }
                say("result fill_ms=" + fillMillis + " server_ready_ms=" + readyMillis + " node_subnet_env_ms="
                        + nodeMillis);
                allocator.stop(Duration.ofSeconds(20));
            }
        }
        System.exit(0);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
