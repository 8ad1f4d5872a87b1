package io.weft.node.agent;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.client.Backoff;
import io.weft.client.LeaseKeeper;
import io.weft.client.LeaseKey;
import io.weft.client.LeaseWatch;
import io.weft.client.Scheduler;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.NetworkConfig;
import io.weft.http.OperatorHttp;
import io.weft.node.backend.Advertisement;
import io.weft.node.backend.Backend;
import io.weft.node.backend.Backends;
import io.weft.node.backend.HostGwBackend;
import io.weft.node.backend.NodeHost;
import io.weft.node.backend.VxlanBackend;
import io.weft.node.dataplane.LinkEvent;
import io.weft.node.dataplane.VxlanSpec;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the agent from its {@link AgentParts}: waits for the network config, finds the
 * external interface, prepares the backend's devices, then hands over to {@link PeerProgrammer}
 * (kernel state), the lease keeper and the lease watch (allocator), the dataplane's link events
 * (devices deleted behind its back) and a periodic reconcile. Everything that touches the
 * dataplane runs on one kernel thread.
 */
public final class NodeAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    /** Waits for a network config at most 10 s apart. */
    private static final Backoff CONFIG_BACKOFF = new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(10), 0.2);
    /**
     * Lease retries at most 5 s apart: after etcd lost its data a node gets its subnet back within
     * seconds of the operator setting the config again.
     */
    private static final Backoff LEASE_BACKOFF = new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.2);

    private final NodeSettings settings;
    private final AgentParts parts;
    private final ExecutorService kernelThread;
    /** Link watch and timers: stopped before anything else, so no event arrives while closing. */
    private final List<AutoCloseable> stopFirst = new CopyOnWriteArrayList<>();

    private NodeReadiness readiness;
    private LeaseKeeper keeper;
    private LeaseWatch watch;
    private OperatorHttp http;
    /** nftables rules, blackhole routes: null until assembled. */
    private OwnLeaseFollowers followers;

    private volatile boolean closed;

    private NodeAgent(NodeSettings settings, AgentParts parts) {
        this.settings = settings;
        this.parts = parts;
        this.kernelThread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name("weft-kernel").factory());
    }

    /**
     * Starts the agent; the answer completes once the config is read and the lease keeper and
     * watch run (it fails on a config or interface the node cannot use). It runs until
     * {@link #close()}, which also closes the parts.
     */
    public static CompletableFuture<NodeAgent> start(NodeSettings settings, AgentParts parts) {
        NodeAgent agent = new NodeAgent(settings, parts);
        return new ConfigFetcher(parts.client(), agent.timer("config"), CONFIG_BACKOFF)
                .fetch()
                .thenApplyAsync(
                        config -> {
                            try {
                                agent.assemble(config);
                                return agent;
                            } catch (Exception e) {
                                throw new CompletionException(e);
                            }
                        },
                        agent.kernelThread)
                .whenComplete((started, error) -> {
                    if (error != null) {
                        agent.abandon();
                    }
                });
    }

    /** A start that failed: lets go of the parts and the threads without waiting for them. */
    private void abandon() {
        closed = true;
        stopFirst.forEach(NodeAgent::closeQuietly);
        kernelThread.shutdown();
        closeQuietly(parts.dataplane());
        closeQuietly(parts.host());
        parts.client().close();
    }

    /** Runs on the kernel thread. */
    private void assemble(NetworkConfig config) throws Exception {
        ExternalInterface external = ExternalInterface.find(settings.iface(), parts.host());
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

        Scheduler keeperTimer = timer("lease-keeper");
        OwnLeaseFollowers followers = new OwnLeaseFollowers(settings, parts, host, keeperTimer);
        Advertisement advertisement = backend.prepare(host, parts.dataplane());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        readiness = new NodeReadiness();
        SubnetFile subnetFile = new SubnetFile(settings.subnetFile(), followers.masquerades());
        PeerProgrammer programmer = new PeerProgrammer(
                host,
                backend,
                parts.dataplane(),
                subnetFile,
                new HostFactsReader(
                        parts.allocators(),
                        parts.host(),
                        backend.devices(host).stream().map(VxlanSpec::name).collect(Collectors.toSet())),
                readiness,
                new NodeMetrics(registry, readiness::ready));

        AcquireLeaseRequest.Builder request = AcquireLeaseRequest.newBuilder()
                .setNodeName(settings.nodeName())
                .setTakeover(settings.takeover());
        Optional.ofNullable(publicIp).ifPresent(ip -> request.setPublicIp(ip.toString()));
        Optional.ofNullable(publicIpv6).ifPresent(ip -> request.setPublicIpv6(ip.toString()));
        SubnetEnv.Previous previous = subnetFile.previous();
        previous.subnet().ifPresent(subnet -> request.setPreviousSubnet(subnet.toString()));
        previous.ipv6Subnet().ifPresent(subnet -> request.setPreviousIpv6Subnet(subnet.toString()));
        advertisement.applyTo(request);

        keeper = LeaseKeeper.builder(parts.client(), request.build())
                .renewMargin(settings.renewMargin())
                .backoff(LEASE_BACKOFF)
                .scheduler(keeperTimer)
                .listener(new LeaseEvents(programmer, kernelThread, followers))
                .build();
        watch = LeaseWatch.builder(
                        parts.client(),
                        PeerEvents.toKernel(
                                programmer,
                                kernelThread,
                                keeper.watchListener(),
                                new StoreLossGrace(settings.nodeName(), settings.lostStoreGrace()),
                                timer("lost-store-grace")))
                .scheduler(timer("lease-watch"))
                .build();
        stopFirst.add(parts.dataplane()
                .watchLinks(
                        event -> {
                            if (event.change() == LinkEvent.Change.REMOVED) {
                                kernelThread.execute(() -> programmer.deviceRemoved(event.name()));
                            }
                        },
                        () -> kernelThread.execute(programmer::reconcile)));
        if (settings.httpListen() != null) {
            http = OperatorHttp.start(
                    settings.httpListen(), () -> Optional.ofNullable(readiness.notReadyReason()), registry);
        }
        keeper.start();
        watch.start();
        this.followers = followers;
        reconcileEvery(timer("reconcile"), settings.reconcileInterval(), programmer);
    }

    private void reconcileEvery(Scheduler timer, Duration interval, PeerProgrammer programmer) {
        timer.schedule(interval, () -> {
            if (!closed) {
                kernelThread.execute(programmer::reconcile);
                kernelThread.execute(followers::reconcile);
                reconcileEvery(timer, interval, programmer);
            }
        });
    }

    private Scheduler timer(String job) {
        Scheduler timer = parts.timers().apply(job);
        if (timer instanceof AutoCloseable closeable) {
            stopFirst.add(closeable);
        }
        return timer;
    }

    /** Null when ready (lease held, subnet.env written, peers synced), else why not: /readyz. */
    String notReadyReason() {
        return readiness == null ? "not started" : readiness.notReadyReason();
    }

    /** Whether the node is ready: lease held, subnet.env written, peers synced (what /readyz says). */
    public boolean ready() {
        return notReadyReason() == null;
    }

    /** Completes once the kernel thread has taken a turn: the watchdog's proof the agent is not stuck. */
    public CompletableFuture<Void> kernelThreadTurn() {
        return CompletableFuture.runAsync(() -> {}, kernelThread);
    }

    /** The lease held now. */
    Optional<Lease> lease() {
        return keeper == null ? Optional.empty() : keeper.currentLease();
    }

    /** Stops; keeps the lease, devices and routes (a restart reuses them) unless --release-on-exit. */
    @Override
    public void close() {
        closed = true;
        LOG.info(
                "stopping{}", settings.releaseOnExit() ? " and releasing the lease" : "; keeping the lease and routes");
        stopFirst.forEach(NodeAgent::closeQuietly);
        if (watch != null) {
            watch.close();
        }
        Lease held = lease().orElse(null);
        if (keeper != null) {
            keeper.close();
        }
        if (settings.releaseOnExit() && held != null) {
            try {
                parts.client().release(LeaseKey.of(held), settings.nodeName());
                LOG.info("released {}", LeaseKey.of(held));
            } catch (RuntimeException e) {
                LOG.warn("could not release {}: {}", LeaseKey.of(held), e.getMessage());
            }
        }
        if (settings.releaseOnExit() && followers != null) {
            kernelThread.execute(followers::remove);
        }
        kernelThread.shutdown();
        try {
            kernelThread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (http != null) {
            http.close();
        }
        parts.dataplane().close();
        closeQuietly(parts.host());
        parts.client().close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("close failed", e);
        }
    }
}
