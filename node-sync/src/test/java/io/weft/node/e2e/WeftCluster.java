package io.weft.node.e2e;

import static org.awaitility.Awaitility.await;

import io.weft.etcd.EtcdBinary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The whole system in namespaces: allocator-server (with its own local etcd) in the control
 * namespace, weft-node in each host namespace, and a pod per host addressed from that host's
 * subnet.env as the CNI bridge plugin would.
 */
final class WeftCluster implements AutoCloseable {

    final Topology topology = new Topology();
    final Path work;
    private final WeftProcess server;
    private final Map<Integer, WeftProcess> nodes = new HashMap<>();
    private final List<String> extraNodeArgs = new ArrayList<>();
    /** Variables added to every weft-node's environment from the next start on. */
    final Map<String, String> nodeEnvironment = new HashMap<>();

    private final String renewMargin;
    /** Mutual TLS on the allocator's gRPC port, or null for plaintext. */
    private final ClusterCertificates certificates;
    /** An etcd this test runs itself (so it can wipe it), or null when the allocator runs its own. */
    private final OwnEtcd ownEtcd;

    WeftCluster(String netConf, String... nodeArgs) throws IOException {
        this(netConf, "30s", "10s", false, false, List.of(nodeArgs));
    }

    /** A cluster whose allocator has --lease-ttl leaseTtl and whose nodes have --renew-margin renewMargin. */
    static WeftCluster withLeaseTtl(String netConf, String leaseTtl, String renewMargin) throws IOException {
        return new WeftCluster(netConf, leaseTtl, renewMargin, false, false, List.of());
    }

    /**
     * A cluster whose allocator uses an etcd the test runs, so that {@link #wipeEtcd()} can empty
     * it; leases live 24 h and are renewed an hour before expiry, as in production, so no renewal
     * falls inside a test.
     */
    static WeftCluster withWipeableEtcd(String netConf) throws IOException {
        return new WeftCluster(netConf, "24h", "1h", false, true, List.of());
    }

    /** A cluster where every process talks to the allocator over mutual TLS with its own certificate. */
    static WeftCluster withMutualTls(String netConf) throws IOException {
        return new WeftCluster(netConf, "30s", "10s", true, false, List.of());
    }

    private WeftCluster(
            String netConf,
            String leaseTtl,
            String renewMargin,
            boolean mutualTls,
            boolean wipeableEtcd,
            List<String> nodeArgs)
            throws IOException {
        work = Files.createTempDirectory("weft-e2e-" + topology.tag);
        ownEtcd = wipeableEtcd ? OwnEtcd.start(topology.controlNs, work.resolve("etcd")) : null;
        certificates = mutualTls ? new ClusterCertificates(work.resolve("pki")) : null;
        extraNodeArgs.addAll(nodeArgs);
        this.renewMargin = renewMargin;
        List<String> serverArgs = new ArrayList<>(List.of(
                "--listen",
                Topology.CONTROL_IP + ":7070",
                "--http-listen",
                "127.0.0.1:7071",
                "--data-dir",
                work.resolve("allocator").toString(),
                "--lease-ttl",
                leaseTtl));
        if (ownEtcd != null) {
            serverArgs.addAll(List.of("--etcd-endpoints", OwnEtcd.ENDPOINT));
        }
        if (certificates != null) {
            serverArgs.addAll(certificates.serverArgs());
        }
        server = WeftProcess.start(
                topology.controlNs, work.resolve("allocator.log"), "weft-allocator", serverArgs.toArray(String[]::new));
        server.awaitReady(Duration.ofSeconds(60), () -> readyz(topology.controlNs, 7071));
        Path conf = work.resolve("net-conf.json");
        Files.writeString(conf, netConf);
        weftctl("config", "set", conf.toString());
    }

    String weftctl(String... args) {
        List<String> command = new ArrayList<>(
                List.of(WeftProcess.REPO.resolve("bin/weftctl").toString(), "--server", Topology.CONTROL_IP + ":7070"));
        if (certificates != null) {
            command.addAll(certificates.adminArgs());
        }
        command.addAll(List.of(args));
        return Shell.inNetns(topology.controlNs, command.toArray(String[]::new));
    }

    Path subnetFile(int n) {
        return work.resolve("host" + n).resolve("subnet.env");
    }

    /** Adds host n and starts weft-node in it. */
    void addHost(int n) throws IOException {
        topology.addHost(n);
        startNode(n);
    }

    void startNode(int n) throws IOException {
        startNode(n, "host" + n);
    }

    /** Starts weft-node in host n; with mutual TLS its certificate names certificateName. */
    void startNode(int n, String certificateName) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--server",
                Topology.CONTROL_IP + ":7070",
                "--node-name",
                "host" + n,
                "--iface",
                "eth0",
                "--subnet-file",
                subnetFile(n).toString(),
                "--http-listen",
                "127.0.0.1:7072",
                "--reconcile-interval",
                "2s",
                "--renew-margin",
                renewMargin));
        args.addAll(extraNodeArgs);
        if (certificates != null) {
            args.addAll(certificates.nodeArgs(certificateName));
        }
        nodes.put(
                n,
                WeftProcess.start(
                        topology.host(n),
                        work.resolve("node" + n + ".log"),
                        Map.copyOf(nodeEnvironment),
                        "weft-node",
                        args.toArray(String[]::new)));
    }

    WeftProcess server() {
        return server;
    }

    /** Host n's weft-node process. */
    WeftProcess node(int n) {
        return nodes.get(n);
    }

    /** Stops etcd, deletes its data and starts it again empty (revisions start again at 1). */
    void wipeEtcd() throws IOException {
        ownEtcd.wipe();
    }

    /** etcdctl against the allocator's etcd, inside the control namespace. */
    String etcdctl(String... args) throws IOException {
        if (ownEtcd != null) {
            return ownEtcd.etcdctl(args);
        }
        String line = Files.readAllLines(work.resolve("allocator.log")).stream()
                .filter(l -> l.contains("started a local etcd at "))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("the allocator log names no local etcd"));
        String endpoint = line.substring(line.indexOf(" at ") + 4).split(" ")[0];
        List<String> command = new ArrayList<>(List.of(
                EtcdBinary.locate().resolveSibling("etcdctl").toString(),
                "--endpoints=" + endpoint,
                "--command-timeout=5s"));
        command.addAll(List.of(args));
        return Shell.inNetns(topology.controlNs, command.toArray(String[]::new));
    }

    /** A metric's value (summed over its labels) from the allocator's /metrics. */
    double serverMetric(String name) {
        return metric(topology.controlNs, 7071, name);
    }

    /** A metric's value from host n's weft-node /metrics. */
    double nodeMetric(int n, String name) {
        return metric(topology.host(n), 7072, name);
    }

    static double metric(String netns, int port, String name) {
        String body = Shell.inNetns(
                netns,
                "bash",
                "-c",
                "exec 3<>/dev/tcp/127.0.0.1/" + port + " && printf 'GET /metrics HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3");
        return body.lines()
                .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .sum();
    }

    void stopNode(int n) {
        nodes.remove(n).close();
    }

    /** Waits for host n's subnet.env and answers its values. */
    Map<String, String> awaitSubnetEnv(int n) {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> Files.exists(subnetFile(n)));
        Map<String, String> values = new HashMap<>();
        try {
            for (String line : Files.readAllLines(subnetFile(n))) {
                int eq = line.indexOf('=');
                values.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return values;
    }

    /** Adds host n's pod from its subnet.env: cni0 gets FLANNEL_SUBNET, the pod the next address. */
    String addPod(int n) {
        Map<String, String> env = awaitSubnetEnv(n);
        String gateway = env.get("FLANNEL_SUBNET");
        String podIp = next(gateway);
        String gateway6 = env.get("FLANNEL_IPV6_SUBNET");
        topology.addPod(n, gateway, podIp, gateway6, gateway6 == null ? null : next(gateway6));
        return podIp.substring(0, podIp.indexOf('/'));
    }

    Optional<String> podIpv6(int n) {
        String gateway6 = awaitSubnetEnv(n).get("FLANNEL_IPV6_SUBNET");
        return Optional.ofNullable(gateway6).map(g -> next(g).substring(0, next(g).indexOf('/')));
    }

    /** Waits until host n answers /readyz 200. */
    void awaitReady(int n) {
        node(n).awaitReady(Duration.ofSeconds(90), () -> readyz(topology.host(n), 7072));
    }

    /** Whether GET /readyz on the namespace's loopback answers 200: asked from inside, where the port is. */
    static boolean readyz(String netns, int port) {
        return Shell.tryInNetns(
                                netns,
                                "bash",
                                "-c",
                                "exec 3<>/dev/tcp/127.0.0.1/" + port + " && "
                                        + "printf 'GET /readyz HTTP/1.0\\r\\n\\r\\n' >&3 && grep -q ' 200 ' <&3")
                        .exitCode()
                == 0;
    }

    /** The address after the first host address: 10.244.5.1/24 -> 10.244.5.2/24 (also IPv6). */
    static String next(String cidr) {
        String address = cidr.substring(0, cidr.indexOf('/'));
        String length = cidr.substring(cidr.indexOf('/'));
        if (address.contains(":")) {
            return address.substring(0, address.length() - 1) + "2" + length;
        }
        int dot = address.lastIndexOf('.');
        return address.substring(0, dot + 1) + (Integer.parseInt(address.substring(dot + 1)) + 1) + length;
    }

    /** Logs of every process, for a failure message. */
    String logs() {
        StringBuilder all = new StringBuilder();
        try (var files = Files.list(work)) {
            for (Path log :
                    files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                List<String> lines = Files.readAllLines(log);
                all.append("==> ").append(log.getFileName()).append('\n');
                lines.subList(Math.max(0, lines.size() - 40), lines.size())
                        .forEach(l -> all.append(l).append('\n'));
            }
        } catch (IOException e) {
            all.append(e);
        }
        return all.toString();
    }

    @Override
    public void close() {
        nodes.values().forEach(WeftProcess::close);
        server.close();
        if (ownEtcd != null) {
            ownEtcd.close();
        }
        topology.close();
        deleteWork();
    }

    private void deleteWork() {
        try (var paths = Files.walk(work)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a leftover temp folder is harmless
        }
    }
}
