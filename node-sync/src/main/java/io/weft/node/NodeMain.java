package io.weft.node;

import io.weft.client.ClientTls;
import io.weft.client.ServerAddress;
import io.weft.config.IpAddress;
import io.weft.launcher.BuildInfo;
import io.weft.launcher.DurationConverter;
import io.weft.launcher.EnvironmentDefaults;
import io.weft.launcher.HostPortConverter;
import io.weft.launcher.LauncherErrors;
import io.weft.launcher.SystemdNotify;
import io.weft.node.agent.AgentParts;
import io.weft.node.agent.ExternalInterface;
import io.weft.node.agent.NodeAgent;
import io.weft.node.agent.NodeSettings;
import io.weft.node.nftables.TrafficRules;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code weft-node}: keeps this host's lease and programs its peers, until SIGTERM. */
@Command(
        name = "weft-node",
        mixinStandardHelpOptions = true,
        versionProvider = BuildInfo.VersionProvider.class,
        sortOptions = false,
        description = "Keeps this host's subnet lease, writes subnet.env and programs peer routes (vxlan, host-gw).")
public final class NodeMain implements Callable<Integer> {

    /** The HTTP port when --http-listen names only a host (not the allocator's gRPC port). */
    static final int HTTP_PORT = 7072;

    @Option(
            names = "--server",
            paramLabel = "HOST:PORT[,HOST:PORT...]",
            defaultValue = "127.0.0.1:7070",
            description = "allocator-server addresses (default: ${DEFAULT-VALUE})")
    String servers;

    /** The flags weft-node shares with flanneld by name and meaning: FLANNELD_<FLAG> sets them too. */
    static final Set<String> FLANNELD_FLAGS = Set.of(
            "--iface",
            "--iface-regex",
            "--iface-can-reach",
            "--public-ip",
            "--public-ipv6",
            "--subnet-file",
            "--ip-masq",
            "--ip-masq-fully-random-disable",
            "--iptables-forward-rules",
            "--ip-blackhole-route",
            "--subnet-lease-renew-margin");

    @Option(names = "--node-name", paramLabel = "NAME", description = "this node's name (default: the hostname)")
    String nodeName;

    @Option(
            names = "--iface",
            paramLabel = "NAME|IP",
            split = ",",
            description = "the external interface, by name or by one of its addresses; repeatable, tried in order")
    List<String> ifaces = new ArrayList<>();

    @Option(
            names = "--iface-regex",
            paramLabel = "REGEX",
            split = ",",
            description = "the first interface whose name matches; repeatable, tried in order after --iface")
    List<Pattern> ifaceRegexes = new ArrayList<>();

    @Option(
            names = "--iface-can-reach",
            paramLabel = "IP",
            description = "the interface the kernel routes this address through")
    String ifaceCanReach;

    @Option(names = "--public-ip", paramLabel = "IP", description = "the public IPv4 (default: the interface's first)")
    String publicIp;

    @Option(
            names = "--public-ipv6",
            paramLabel = "IP",
            description = "the public IPv6 (default: the interface's first global one)")
    String publicIpv6;

    @Option(
            names = "--subnet-file",
            paramLabel = "FILE",
            defaultValue = "/run/flannel/subnet.env",
            description = "where subnet.env is written (default: ${DEFAULT-VALUE})")
    Path subnetFile;

    @Option(
            names = "--renew-margin",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "renew this long before the lease expires (default: 1h)")
    Duration renewMargin;

    @Option(
            names = "--subnet-lease-renew-margin",
            paramLabel = "MINUTES",
            description = "flanneld's name for --renew-margin, in minutes (1 to 1439)")
    Integer renewMarginMinutes;

    @Option(
            names = "--ip-masq",
            description = "masquerade what this host's pods send outside the cluster network (nftables)")
    boolean ipMasq;

    @Option(names = "--ip-masq-fully-random-disable", description = "masquerade without fully random source ports")
    boolean ipMasqFullyRandomDisable;

    @Option(
            names = "--ip-blackhole-route",
            description = "a blackhole route for this node's own subnet: what no pod answers is dropped here")
    boolean ipBlackholeRoute;

    @Option(
            names = {"--forward-rules", "--iptables-forward-rules"},
            paramLabel = "true|false",
            arity = "0..1",
            defaultValue = "true",
            fallbackValue = "true",
            description = "accept forwarding to and from the cluster network (nftables; default: ${DEFAULT-VALUE})")
    boolean forwardRules;

    @Option(
            names = "--reconcile-interval",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "10s",
            description = "how often the kernel is checked against the leases (default: ${DEFAULT-VALUE})")
    Duration reconcileInterval;

    @Option(
            names = "--lost-store-grace",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "2m",
            description =
                    "when a watch reset drops this node's lease and most peers (etcd lost its data), keep "
                            + "the peers' routes this long while they re-acquire (default: ${DEFAULT-VALUE}); 0 to drop at once")
    Duration lostStoreGrace;

    /** --http-listen: the port defaults to the node's HTTP port; "none" turns the port off (null). */
    static final class HttpAddress extends HostPortConverter {
        HttpAddress() {
            super(HTTP_PORT);
        }

        @Override
        public InetSocketAddress convert(String text) {
            return text.strip().equals("none") ? null : super.convert(text);
        }
    }

    @Option(
            names = "--http-listen",
            paramLabel = "HOST[:PORT]",
            converter = HttpAddress.class,
            defaultValue = "127.0.0.1:" + HTTP_PORT,
            description = "/healthz, /readyz and /metrics (default: " + "${DEFAULT-VALUE}; the port defaults to "
                    + HTTP_PORT + "); 'none' to disable")
    InetSocketAddress httpListen;

    @Option(names = "--release-on-exit", description = "release the lease on SIGTERM (default: keep it)")
    boolean releaseOnExit;

    @Option(
            names = "--takeover",
            description = "take over this node name's live lease even when it names another"
                    + " host's public IP or VTEP MAC: for a host that replaced the old one or was renumbered (the old"
                    + " host's next renewal then fails)")
    boolean takeover;

    @Option(
            names = "--tls-ca",
            paramLabel = "FILE",
            description = "connect over TLS, verifying the servers with this CA (PEM)")
    Path tlsCa;

    @Option(
            names = "--tls-cert",
            paramLabel = "FILE",
            description = "this node's client certificate (PEM); its CN must be the node name")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "the private key of --tls-cert (PKCS#8 PEM)")
    Path tlsKey;

    public static void main(String[] args) {
        System.exit(LauncherErrors.commandLine(new NodeMain())
                .setDefaultValueProvider(
                        new EnvironmentDefaults("weft-node", System.getenv(), "FLANNELD", FLANNELD_FLAGS))
                .execute(args));
    }

    @Override
    public Integer call() throws Exception {
        NodeSettings settings = settings();
        CountDownLatch stopped = new CountDownLatch(1);
        SystemdNotify systemd = SystemdNotify.fromEnvironment();
        NodeAgent agent = started(NodeAgent.start(settings, AgentParts.onThisHost(settings)));
        // The watchdog is fed only while the kernel thread takes turns: a stuck agent is restarted.
        systemd.report(agent::ready, "lease held, subnet.env written, peers programmed", agent::kernelThreadTurn);
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().unstarted(() -> {
            systemd.stopping();
            agent.close();
            stopped.countDown();
        }));
        stopped.await();
        return 0;
    }

    /** Waits for the agent to start; a failure surfaces as the agent's own exception, for the one-line message. */
    private static NodeAgent started(CompletableFuture<NodeAgent> start) throws Exception {
        try {
            return start.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** The parsed command line as the agent's settings; the TLS files are read here, to fail early. */
    NodeSettings settings() throws java.net.UnknownHostException {
        String node = nodeName != null ? nodeName : InetAddress.getLocalHost().getHostName();
        return new NodeSettings(
                servers(),
                node,
                new ExternalInterface.Choice(
                        ifaces,
                        ifaceRegexes,
                        ifaceCanReach == null ? null : address("--iface-can-reach", ifaceCanReach),
                        publicIp == null ? null : address("--public-ip", publicIp)),
                publicIpv6 == null ? null : address("--public-ipv6", publicIpv6),
                subnetFile,
                renewMargin(),
                reconcileInterval,
                lostStoreGrace,
                httpListen,
                releaseOnExit,
                takeover,
                tls(node),
                new TrafficRules(ipMasq, !ipMasqFullyRandomDisable, forwardRules),
                ipBlackholeRoute);
    }

    /** --renew-margin or flanneld's --subnet-lease-renew-margin (minutes, below flannel's 24 h lease), one of them. */
    private Duration renewMargin() {
        if (renewMarginMinutes == null) {
            return renewMargin != null ? renewMargin : Duration.ofHours(1);
        }
        if (renewMargin != null) {
            throw new IllegalArgumentException(
                    "--renew-margin and --subnet-lease-renew-margin set the same thing: give one");
        }
        if (renewMarginMinutes < 1 || renewMarginMinutes >= 24 * 60) {
            throw new IllegalArgumentException("--subnet-lease-renew-margin: " + renewMarginMinutes
                    + " minutes is outside 1 to 1439 (it must be shorter than the 24 h lease)");
        }
        return Duration.ofMinutes(renewMarginMinutes);
    }

    private ClientTls tls(String node) {
        if (tlsCa == null && tlsCert == null && tlsKey == null) {
            return null;
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("--tls-cert and --tls-key go together: give both or neither");
        }
        ClientTls tls = new ClientTls(tlsCa, tlsCert, tlsKey);
        tls.sslContext();
        // The server takes the certificate's name as who calls: any other name is refused every lease call.
        tls.identity().filter(identity -> !identity.equals(node)).ifPresent(identity -> {
            throw new IllegalArgumentException("--tls-cert " + tlsCert + " names \"" + identity
                    + "\" but the node name is \"" + node + "\": servers only let a node act on the lease of the "
                    + "node its certificate names; set --node-name or issue a certificate with CN=" + node);
        });
        return tls;
    }

    private List<ServerAddress> servers() {
        try {
            return ServerAddress.parseList(servers);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--server: " + e.getMessage(), e);
        }
    }

    private static IpAddress address(String flag, String text) {
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }
}
