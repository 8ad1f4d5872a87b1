package io.weft.allocator;

import io.weft.allocator.security.AccessPolicy;
import io.weft.allocator.security.EtcdClientSecurity;
import io.weft.allocator.security.ServerTls;
import io.weft.allocator.service.LeaseServices;
import io.weft.allocator.service.WatchSettings;
import io.weft.allocator.store.KeyLayout;
import io.weft.etcd.EtcdOptions;
import io.weft.etcd.EtcdProcess;
import io.weft.launcher.BuildInfo;
import io.weft.launcher.DurationConverter;
import io.weft.launcher.EnvironmentDefaults;
import io.weft.launcher.HostPortConverter;
import io.weft.launcher.LauncherErrors;
import io.weft.launcher.SystemdNotify;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code weft-allocator}: runs one allocator-server replica until SIGTERM or Ctrl-C. */
@Command(
        name = "weft-allocator",
        mixinStandardHelpOptions = true,
        versionProvider = BuildInfo.VersionProvider.class,
        sortOptions = false,
        description = "Hands out flannel-compatible subnet leases over gRPC, stored in etcd.")
public final class AllocatorMain implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(AllocatorMain.class);

    /** --listen: the port defaults to the gRPC port. */
    static final class GrpcAddress extends HostPortConverter {
        GrpcAddress() {
            super(ServerDefaults.GRPC_PORT);
        }
    }

    /** --http-listen: the port defaults to the HTTP port, not the gRPC one. */
    static final class HttpAddress extends HostPortConverter {
        HttpAddress() {
            super(ServerDefaults.HTTP_PORT);
        }
    }

    @Option(
            names = "--listen",
            paramLabel = "HOST[:PORT]",
            converter = GrpcAddress.class,
            description = "gRPC address (default: ${DEFAULT-VALUE})",
            defaultValue = "127.0.0.1:" + ServerDefaults.GRPC_PORT)
    InetSocketAddress listen;

    @Option(
            names = "--http-listen",
            paramLabel = "HOST[:PORT]",
            converter = HttpAddress.class,
            description =
                    "HTTP address for /healthz, /readyz, /metrics and the lease map page at / (default: ${DEFAULT-VALUE})",
            defaultValue = "127.0.0.1:" + ServerDefaults.HTTP_PORT)
    InetSocketAddress httpListen;

    @Option(
            names = "--etcd-endpoints",
            paramLabel = "URL[,URL...]",
            split = ",",
            description = "etcd client URLs; when none are given, a local etcd is started under --data-dir")
    List<String> etcdEndpoints = List.of();

    @Option(
            names = "--etcd-prefix",
            paramLabel = "PREFIX",
            defaultValue = KeyLayout.DEFAULT_PREFIX,
            description = "etcd key prefix, as flanneld's --etcd-prefix (default: ${DEFAULT-VALUE})")
    String etcdPrefix;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "where the local etcd keeps its data (default: /var/lib/weft as root, else ~/.local/share/weft)")
    Path dataDir;

    @Option(
            names = "--lease-ttl",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "24h",
            description = "lease time to live (default: ${DEFAULT-VALUE})")
    Duration leaseTtl;

    @Option(
            names = "--reuse-quarantine",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "10m",
            description =
                    "how long a released subnet is held back while others are free " + "(default: ${DEFAULT-VALUE})")
    Duration reuseQuarantine;

    @Option(
            names = "--node-rate-limit",
            paramLabel = "N",
            defaultValue = "" + LeaseServices.NODE_RATE_LIMIT,
            description = "acquisitions and renewals per node name per minute, in bursts of as many; more are "
                    + "answered RESOURCE_EXHAUSTED (default: ${DEFAULT-VALUE}; 0: no limit)")
    int nodeRateLimit;

    @Option(
            names = "--etcd-compaction-interval",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "5m",
            description = "compact etcd's history this often, to the revision seen one interval "
                    + "earlier, once per interval across all replicas; 0 turns it off (default: ${DEFAULT-VALUE})")
    Duration compactionInterval;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "serve gRPC over TLS with this certificate chain (PEM); needs --tls-key")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the private key of --tls-cert (PKCS#8 PEM)")
    Path tlsKey;

    @Option(
            names = "--client-ca",
            paramLabel = "FILE",
            description = "require client certificates signed by this CA (PEM) and check what each identity "
                    + "(certificate CN) may do; needs --tls-cert and at least one --admin")
    Path clientCa;

    @Option(
            names = "--admin",
            paramLabel = "NAME",
            split = ",",
            description = "an identity (certificate CN) that may also set the config, reserve and release any "
                    + "lease; repeatable")
    List<String> admins = List.of();

    @Option(names = "--etcd-cacert", paramLabel = "FILE", description = "verify etcd's certificate with this CA (PEM)")
    Path etcdCa;

    @Option(
            names = "--etcd-cert",
            paramLabel = "FILE",
            description = "client certificate (PEM) for etcd's --client-cert-auth; needs --etcd-key")
    Path etcdCert;

    @Option(names = "--etcd-key", paramLabel = "FILE", description = "the private key of --etcd-cert (PKCS#8 PEM)")
    Path etcdKey;

    @Option(
            names = "--etcd-user",
            paramLabel = "NAME",
            description = "etcd user name; the password comes from --etcd-password-file or env WEFT_ETCD_PASSWORD")
    String etcdUser;

    @Option(
            names = "--etcd-password-file",
            paramLabel = "FILE",
            description = "file holding the etcd password (one line); keeps it out of ps and shell history")
    Path etcdPasswordFile;

    @Mixin
    WatchFlags watchFlags = new WatchFlags();

    @Option(
            names = "--group-commit",
            paramLabel = "true|false",
            arity = "1",
            defaultValue = "true",
            hidden = true,
            description = "false: one etcd transaction per write, never shared by writes submitted meanwhile "
                    + "(the old behaviour; for the throughput benchmark's ablation)")
    boolean groupCommit;

    public static void main(String[] args) {
        System.exit(LauncherErrors.commandLine(new AllocatorMain())
                .setDefaultValueProvider(new EnvironmentDefaults("weft-allocator", System.getenv()))
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        ServerDefaults.checkTtl(leaseTtl);
        ServerDefaults.checkCompactionInterval(compactionInterval);
        if (nodeRateLimit < 0) {
            throw new IllegalArgumentException("--node-rate-limit must be 0 (no limit) or more, got " + nodeRateLimit);
        }
        WatchSettings watchSettings = watchFlags.settings();
        ServerTls tls = serverTls();
        EtcdClientSecurity etcdSecurity =
                new SecurityFlags(System.getenv()).etcd(etcdCa, etcdCert, etcdKey, etcdUser, etcdPasswordFile);
        EtcdProcess localEtcd = null;
        List<String> endpoints = etcdEndpoints;
        if (endpoints.isEmpty()) {
            Path dir = dataDir != null ? dataDir : defaultDataDir();
            Files.createDirectories(dir);
            localEtcd = new EtcdProcess(EtcdOptions.builder(dir.resolve("etcd"))
                            .extraArgs("--quota-backend-bytes=" + ServerDefaults.LOCAL_ETCD_QUOTA_BYTES)
                            .build())
                    .start();
            endpoints = List.of(localEtcd.clientEndpoint());
            LOG.info(
                    "started a local etcd at {} (data in {}); stopping it on exit",
                    localEtcd.clientEndpoint(),
                    dir.resolve("etcd"));
        } else {
            etcdSecurity.clearTextPasswordWarning(endpoints).ifPresent(LOG::warn);
        }
        CountDownLatch stopped = new CountDownLatch(1);
        AllocatorServer server;
        try {
            server = AllocatorServer.builder()
                    .etcdEndpoints(endpoints)
                    .etcdPrefix(etcdPrefix)
                    .listen(listen)
                    .httpListen(httpListen)
                    .leaseTtl(leaseTtl)
                    .reuseQuarantine(reuseQuarantine)
                    .tls(tls)
                    .accessPolicy(new AccessPolicy(Set.copyOf(admins)))
                    .etcdSecurity(etcdSecurity)
                    .compactionInterval(compactionInterval)
                    .localEtcdEndpoint(localEtcd == null ? null : localEtcd.clientEndpoint())
                    .watchSettings(watchSettings)
                    .nodeRateLimit(nodeRateLimit)
                    .groupCommit(groupCommit)
                    .start();
        } catch (Exception e) {
            if (localEtcd != null) {
                localEtcd.stop();
            }
            throw e;
        }
        EtcdProcess etcd = localEtcd;
        SystemdNotify systemd = SystemdNotify.fromEnvironment();
        systemd.report(server::ready, "serving; etcd state loaded", () -> CompletableFuture.completedFuture(null));
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            LOG.info("shutting down");
            systemd.stopping();
            BoundedShutdown.haltingAfterLimit().run(() -> {
                server.close();
                if (etcd != null) {
                    etcd.stop();
                }
            });
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    private ServerTls serverTls() {
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or neither");
        }
        if (clientCa != null && tlsCert == null) {
            throw new IllegalArgumentException(
                    "--client-ca needs --tls-cert and --tls-key: client certificates " + "are only checked over TLS");
        }
        if (clientCa != null && admins.isEmpty()) {
            throw new IllegalArgumentException("--client-ca needs at least one --admin NAME: the certificate CN "
                    + "allowed to set the config and reservations");
        }
        if (clientCa == null && !admins.isEmpty()) {
            throw new IllegalArgumentException("--admin needs --client-ca: without client certificates there are "
                    + "no identities to tell apart");
        }
        return tlsCert == null ? null : new ServerTls(tlsCert, tlsKey, clientCa);
    }

    private static Path defaultDataDir() {
        boolean root = "root".equals(System.getProperty("user.name"));
        return root ? Path.of("/var/lib/weft") : Path.of(System.getProperty("user.home"), ".local", "share", "weft");
    }
}
