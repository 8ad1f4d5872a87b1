package io.weft.allocator;

import io.weft.etcd.EtcdOptions;
import io.weft.etcd.EtcdProcess;
import io.weft.allocator.store.KeyLayout;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weft-allocator}: runs one allocator-server replica until SIGTERM or Ctrl-C. */
@Command(name = "weft-allocator", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Hands out flannel-compatible subnet leases over gRPC, stored in etcd.")
public final class AllocatorMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AllocatorMain.class);

    @Option(names = "--listen", paramLabel = "HOST:PORT", converter = HostPort.class,
            description = "gRPC address (default: ${DEFAULT-VALUE})", defaultValue = "127.0.0.1:7070")
    InetSocketAddress listen;

    @Option(names = "--http-listen", paramLabel = "HOST:PORT", converter = HostPort.class,
            description = "HTTP address for /healthz, /readyz, /metrics (default: ${DEFAULT-VALUE})",
            defaultValue = "127.0.0.1:7071")
    InetSocketAddress httpListen;

    @Option(names = "--etcd-endpoints", paramLabel = "URL[,URL...]", split = ",",
            description = "etcd client URLs; when none are given, a local etcd is started under --data-dir")
    List<String> etcdEndpoints = List.of();

    @Option(names = "--etcd-prefix", paramLabel = "PREFIX", defaultValue = KeyLayout.DEFAULT_PREFIX,
            description = "etcd key prefix, as flanneld's --etcd-prefix (default: ${DEFAULT-VALUE})")
    String etcdPrefix;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "where the local etcd keeps its data (default: /var/lib/weft as root, else ~/.local/share/weft)")
    Path dataDir;

    @Option(names = "--lease-ttl", paramLabel = "DURATION", converter = DurationConverter.class, defaultValue = "24h",
            description = "lease time to live (default: ${DEFAULT-VALUE})")
    Duration leaseTtl;

    @Option(names = "--reuse-quarantine", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "10m", description = "how long a released subnet is held back while others are free "
            + "(default: ${DEFAULT-VALUE})")
    Duration reuseQuarantine;

    public static void main(String[] args) {
        CommandLine command = new CommandLine(new AllocatorMain());
        command.setExecutionExceptionHandler((error, cmd, parsed) -> {
            cmd.getErr().println("weft-allocator: " + error.getMessage());
            LOG.debug("start-up failed", error);
            return 1;
        });
        System.exit(command.execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServerDefaults.checkTtl(leaseTtl);
        EtcdProcess localEtcd = null;
        List<String> endpoints = etcdEndpoints;
        if (endpoints.isEmpty()) {
            Path dir = dataDir != null ? dataDir : defaultDataDir();
            Files.createDirectories(dir);
            localEtcd = new EtcdProcess(EtcdOptions.builder(dir.resolve("etcd")).build()).start();
            endpoints = List.of(localEtcd.clientEndpoint());
            LOG.info("started a local etcd at {} (data in {}); stopping it on exit", localEtcd.clientEndpoint(),
                    dir.resolve("etcd"));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AllocatorServer server;
        try {
            server = AllocatorServer.builder().etcdEndpoints(endpoints).etcdPrefix(etcdPrefix).listen(listen)
                    .httpListen(httpListen).leaseTtl(leaseTtl).reuseQuarantine(reuseQuarantine).start();
        } catch (Exception e) {
            if (localEtcd != null) {
                localEtcd.stop();
            }
            throw e;
        }
        EtcdProcess etcd = localEtcd;
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            LOG.info("shutting down");
            server.close();
            if (etcd != null) {
                etcd.stop();
            }
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    private static Path defaultDataDir() {
        boolean root = "root".equals(System.getProperty("user.name"));
        return root ? Path.of("/var/lib/weft") : Path.of(System.getProperty("user.home"), ".local", "share", "weft");
    }
}
