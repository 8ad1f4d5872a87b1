package io.weft.node.e2e;

import static org.awaitility.Awaitility.await;

import io.weft.etcd.EtcdBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A single etcd member in a namespace, run by the test rather than by the allocator, so the
 * test can lose its data: stop it, delete the data dir and start it again empty.
 */
final class OwnEtcd implements AutoCloseable {

    static final String ENDPOINT = "http://127.0.0.1:23790";

    private final String netns;
    private final Path dataDir;
    private Process process;

    private OwnEtcd(String netns, Path dataDir) {
        this.netns = netns;
        this.dataDir = dataDir;
    }

    static OwnEtcd start(String netns, Path dataDir) throws IOException {
        OwnEtcd etcd = new OwnEtcd(netns, dataDir);
        etcd.launch();
        return etcd;
    }

    private void launch() throws IOException {
        String peer = "http://127.0.0.1:23800";
        List<String> command = List.of(
                "ip",
                "netns",
                "exec",
                netns,
                EtcdBinary.locate().toString(),
                "--name",
                "wiped",
                "--data-dir",
                dataDir.toString(),
                "--listen-client-urls",
                ENDPOINT,
                "--advertise-client-urls",
                ENDPOINT,
                "--listen-peer-urls",
                peer,
                "--initial-advertise-peer-urls",
                peer,
                "--initial-cluster",
                "wiped=" + peer);
        process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(
                        dataDir.resolveSibling("etcd.log").toFile()))
                .start();
        await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Shell.tryInNetns(netns, etcdctlCommand("endpoint", "health"))
                                .exitCode()
                        == 0);
    }

    /** Kills etcd, deletes every byte it stored, and starts it again empty. */
    void wipe() throws IOException {
        stop();
        try (var paths = Files.walk(dataDir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        launch();
    }

    String etcdctl(String... args) {
        return Shell.inNetns(netns, etcdctlCommand(args));
    }

    private static String[] etcdctlCommand(String... args) {
        List<String> command = new ArrayList<>(List.of(
                EtcdBinary.locate().resolveSibling("etcdctl").toString(),
                "--endpoints=" + ENDPOINT,
                "--command-timeout=5s"));
        command.addAll(List.of(args));
        return command.toArray(String[]::new);
    }

    private void stop() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(20, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
