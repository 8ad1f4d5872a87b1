package io.weft.node.agent;

import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.client.Backoff;
import io.weft.client.LeaseKeeper;
import io.weft.client.LeaseWatch;
import io.weft.client.Scheduler;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.NetworkConfig;
import io.weft.node.backend.Advertisement;
import io.weft.node.backend.Backend;
import io.weft.node.backend.Backends;
import io.weft.node.backend.HostGwBackend;
import io.weft.node.backend.NodeHost;
import io.weft.node.backend.VxlanBackend;
import io.weft.node.dataplane.LinkEvent;
import io.weft.node.dataplane.VxlanSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one backend configuration runs: the backend's devices, {@link PeerProgrammer}, the lease
 * keeper and (once the first lease is held and subnet.env written) the watch, the link watch and
 * {@link ConfigFollower}. The agent starts one from the
 * config it reads at start-up and, when the config changes in a way the running backend cannot
 * take (another backend type, VNI or address families), closes it and starts another in the same
 * process.
 */
final class BackendSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BackendSession.class);
    /**
     * Lease retries at most 5 s apart: after etcd lost its data a node gets its subnet back within
     * seconds of the operator setting the config again.
     */
    private static final Backoff LEASE_BACKOFF = new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.2);

    final NodeHost host;
    final PeerProgrammer programmer;
    final ConfigFollower follower;
    /** nftables rules, blackhole routes, the renew margin check: they follow the node's own lease. */
    final OwnLeaseFollowers followers;

    private final Set<String> devices;
    private final List<AutoCloseable> stopFirst = new ArrayList<>();
    private LeaseKeeper keeper;
    private LeaseWatch watch;
    /** Whether the watch was started: on the kernel thread, after the first lease. */
    private boolean watching;

    private BackendSession(
            NodeHost host,
            PeerProgrammer programmer,
            ConfigFollower follower,
            OwnLeaseFollowers followers,
            Set<String> devices) {
        this.host = host;
        this.programmer = programmer;
        this.follower = follower;
        this.followers = followers;
        this.devices = devices;
    }

    /** What a session is started with besides the config; runs on the kernel thread. */
    record Context(
            NodeSettings settings,
            AgentParts parts,
            ExternalInterface external,
            ExecutorService kernelThread,
            Function<String, Scheduler> timer,
            NodeReadiness readiness,
            NodeMetrics metrics,
            Consumer<NetworkConfig> rebuild) {}

    /**
     * Prepares the backend's devices and starts the lease keeper and watch. Runs on the kernel
     * thread; {@code previousSubnets} names the subnets to ask for again (a rebuilt session asks
     * for the one it held).
     */
    static BackendSession start(Context context, NetworkConfig config, SubnetEnv.Previous previous) throws Exception {
        NodeSettings settings = context.settings();
        ExternalInterface external = context.external();
        IpAddress publicIp = config.enableIPv4()
                ? external.publicAddress(IpFamily.IPV4, settings.iface().publicIp())
                        .orElseThrow(() ->
                                new IllegalArgumentException(external.name() + " has no IPv4 address; use --public-ip"))
                : null;
        IpAddress publicIpv6 = config.enableIPv6()
                ? external.publicAddress(IpFamily.IPV6, settings.publicIpv6())
                        .orElseThrow(() -> new IllegalArgumentException(
                                external.name() + " has no global IPv6 address; " + "use --public-ipv6"))
                : null;
        NodeHost host = NodeHost.of(settings.nodeName(), config, external.toLink(), publicIp, publicIpv6);
        Backend backend = Backends.of(new VxlanBackend(), new HostGwBackend())
                .forType(config.backend().type());
        LOG.info(
                "node {}: interface {} (mtu {}), public ip {}{}, backend {}",
                settings.nodeName(),
                external.name(),
                external.mtu(),
                publicIp,
                publicIpv6 == null ? "" : " / " + publicIpv6,
                backend.type());

        Scheduler keeperTimer = context.timer().apply("lease-keeper");
        OwnLeaseFollowers followers = new OwnLeaseFollowers(settings, context.parts(), host, keeperTimer);
        Advertisement advertisement = backend.prepare(host, context.parts().dataplane());
        Set<String> devices =
                backend.devices(host).stream().map(VxlanSpec::name).collect(Collectors.toUnmodifiableSet());
        SubnetFile subnetFile = new SubnetFile(settings.subnetFile(), followers.masquerades());
        PeerProgrammer programmer = new PeerProgrammer(
                host,
                backend,
                context.parts().dataplane(),
                subnetFile,
                new HostFactsReader(
                        context.parts().allocators(), context.parts().host(), devices),
                context.readiness(),
                context.metrics());

        AcquireLeaseRequest.Builder request = AcquireLeaseRequest.newBuilder()
                .setNodeName(settings.nodeName())
                .setTakeover(settings.takeover());
        Optional.ofNullable(publicIp).ifPresent(ip -> request.setPublicIp(ip.toString()));
        Optional.ofNullable(publicIpv6).ifPresent(ip -> request.setPublicIpv6(ip.toString()));
        previous.subnet().ifPresent(subnet -> request.setPreviousSubnet(subnet.toString()));
        previous.ipv6Subnet().ifPresent(subnet -> request.setPreviousIpv6Subnet(subnet.toString()));
        advertisement.applyTo(request);

        BackendSession[] self = new BackendSession[1];
        ConfigFollower follower = new ConfigFollower(
                config,
                context.parts().client(),
                context.kernelThread(),
                programmer,
                () -> self[0].lease(),
                settings.nodeName(),
                followers::networkChanged,
                context.rebuild());
        BackendSession session = new BackendSession(host, programmer, follower, followers, devices);
        self[0] = session;
        session.run(context, request.build(), keeperTimer);
        return session;
    }

    private void run(Context context, AcquireLeaseRequest request, Scheduler keeperTimer) {
        ExecutorService kernelThread = context.kernelThread();
        if (keeperTimer instanceof AutoCloseable closeable) {
            stopFirst.add(closeable);
        }
        keeper = LeaseKeeper.builder(context.parts().client(), request)
                .renewMargin(context.settings().renewMargin())
                .backoff(LEASE_BACKOFF)
                .scheduler(keeperTimer)
                .listener(new LeaseEvents(programmer, kernelThread, followers.andThen(lease -> watchPeers())))
                .build();
        watch = LeaseWatch.builder(
                        context.parts().client(),
                        PeerEvents.toKernel(
                                programmer,
                                kernelThread,
                                keeper.watchListener(),
                                new StoreLossGrace(
                                        context.settings().nodeName(),
                                        context.settings().lostStoreGrace()),
                                timer(context, "lost-store-grace")))
                .scheduler(timer(context, "lease-watch"))
                .build();
        stopFirst.add(context.parts()
                .dataplane()
                .watchLinks(
                        event -> {
                            if (event.change() == LinkEvent.Change.REMOVED) {
                                kernelThread.execute(() -> programmer.deviceRemoved(event.name()));
                            }
                        },
                        () -> kernelThread.execute(programmer::reconcile)));
        keeper.start();
    }

    /**
     * Runs on the kernel thread once subnet.env is written for the first lease: the node needs its
     * own lease first, and the peers' snapshot (tens of megabytes in a big network) would compete
     * with it for the connection and the CPU. Readiness still waits for the first full sync.
     */
    private void watchPeers() {
        if (!watching) {
            watching = true;
            watch.start();
        }
    }

    private Scheduler timer(Context context, String job) {
        Scheduler timer = context.timer().apply(job);
        if (timer instanceof AutoCloseable closeable) {
            stopFirst.add(closeable);
        }
        return timer;
    }

    /** The lease held now. */
    Optional<Lease> lease() {
        return keeper == null ? Optional.empty() : keeper.currentLease();
    }

    /** This session's devices: a rebuilt session deletes those the new one does not use. */
    Set<String> devices() {
        return devices;
    }

    /** Stops the link watch, the timers, the watch and the keeper; the lease stays on the server. */
    @Override
    public void close() {
        stopFirst.forEach(BackendSession::closeQuietly);
        if (watch != null) {
            watch.close();
        }
        if (keeper != null) {
            keeper.close();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("close failed", e);
        }
    }
}
