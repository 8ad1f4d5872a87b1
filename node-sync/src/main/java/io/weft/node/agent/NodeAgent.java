package io.weft.node.agent;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.weft.api.v1.Lease;
import io.weft.client.Backoff;
import io.weft.client.LeaseKey;
import io.weft.client.Scheduler;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.http.OperatorHttp;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles the agent from its {@link AgentParts}: waits for the network config, finds the
 * external interface, then starts a {@link BackendSession} (the backend's devices,
 * {@link PeerProgrammer}, the lease keeper and watch, the link events) and a periodic tick that
 * reconciles the kernel and follows config changes ({@link ConfigFollower}); a config the running
 * backend cannot take replaces the session, in the same process. Everything that touches the
 * dataplane runs on one kernel thread.
 */
public final class NodeAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
    /** Waits for a network config at most 10 s apart. */
    private static final Backoff CONFIG_BACKOFF = new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(10), 0.2);

    private final NodeSettings settings;
    private final AgentParts parts;
    private final ExecutorService kernelThread;
    /** Link watch and timers: stopped before anything else, so no event arrives while closing. */
    private final List<AutoCloseable> stopFirst = new CopyOnWriteArrayList<>();

    private volatile NodeReadiness readiness;
    private BackendSession.Context context;
    /** Replaced only on the kernel thread (a config the running backend cannot take). */
    private volatile BackendSession session;

    private OperatorHttp http;

    /** Set once by close() or by a start that failed; the parts are let go only by the first. */
    private final AtomicBoolean closed = new AtomicBoolean();

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
        closed.set(true);
        stopFirst.forEach(NodeAgent::closeQuietly);
        BackendSession started = session; // this may run on the kernel thread: no hop to it
        if (started != null) {
            started.close();
        }
        kernelThread.shutdown();
        closeQuietly(parts.dataplane());
        closeQuietly(parts.host());
        parts.client().close();
    }

    /** Runs on the kernel thread. */
    private void assemble(NetworkConfig config) throws Exception {
        ExternalInterface external = ExternalInterface.find(settings.iface(), parts.host());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        readiness = new NodeReadiness();
        context = new BackendSession.Context(
                settings,
                parts,
                external,
                kernelThread,
                parts.timers(),
                readiness,
                new NodeMetrics(registry, readiness::ready),
                this::rebuild);
        session = BackendSession.start(context, config, new SubnetFile(settings.subnetFile()).previous());
        if (settings.httpListen() != null) {
            http = OperatorHttp.start(
                    settings.httpListen(), () -> Optional.ofNullable(readiness.notReadyReason()), registry);
        }
        reconcileEvery(timer("reconcile"), settings.reconcileInterval());
    }

    /**
     * Runs on the kernel thread: the config changed in a way the running backend cannot take.
     * Gives the lease back (it advertises the old backend), deletes the devices the new config
     * does not use and starts a new session from the new config, asking for the same subnets. A
     * config this host cannot run (host-gw behind NAT, an MTU too large) restarts the old
     * backend instead, whose follower then sees the new config again at the next tick.
     */
    private void rebuild(NetworkConfig next) {
        BackendSession old = session;
        Optional<Lease> held = old.lease();
        old.close();
        old.followers.remove(); // the new session writes its own rules once it holds a lease
        held.ifPresent(lease -> {
            try {
                parts.client().release(LeaseKey.of(lease), settings.nodeName());
            } catch (RuntimeException e) {
                LOG.warn("could not release {}: {}", LeaseKey.of(lease), e.getMessage());
            }
        });
        try {
            session = BackendSession.start(context, next, previous(held));
        } catch (Exception e) {
            // Back to the config that worked, so the node keeps a lease; the next tick tries again.
            LOG.error(
                    "could not start the backend of the new network config ({}); keeping the one in force and"
                            + " retrying at the next interval",
                    e.getMessage());
            try {
                session = BackendSession.start(context, old.host.network(), previous(held));
            } catch (Exception again) {
                LOG.error("could not start the backend again: {}", again.getMessage());
            }
            return;
        }
        for (String device : old.devices()) {
            if (!session.devices().contains(device)) {
                parts.dataplane().linkDelete(device);
                LOG.info("deleted {}, which the new network config does not use", device);
            }
        }
    }

    private static SubnetEnv.Previous previous(Optional<Lease> held) {
        return new SubnetEnv.Previous(
                held.map(Lease::getSubnet).filter(s -> !s.isEmpty()).map(IpPrefix::parse),
                held.map(Lease::getIpv6Subnet).filter(s -> !s.isEmpty()).map(IpPrefix::parse));
    }

    private void reconcileEvery(Scheduler timer, Duration interval) {
        timer.schedule(interval, () -> {
            if (!closed.get()) {
                kernelThread.execute(() -> {
                    session.programmer.reconcile();
                    session.followers.reconcile();
                    session.follower.poll();
                });
                reconcileEvery(timer, interval);
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
        BackendSession current = session;
        return current == null ? Optional.empty() : current.lease();
    }

    /**
     * Stops; keeps the lease, devices and routes (a restart reuses them) unless --release-on-exit.
     * A second call does nothing.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        LOG.info(
                "stopping{}", settings.releaseOnExit() ? " and releasing the lease" : "; keeping the lease and routes");
        stopFirst.forEach(NodeAgent::closeQuietly);
        Lease held = lease().orElse(null);
        closeSession();
        if (settings.releaseOnExit() && held != null) {
            try {
                parts.client().release(LeaseKey.of(held), settings.nodeName());
                LOG.info("released {}", LeaseKey.of(held));
            } catch (RuntimeException e) {
                LOG.warn("could not release {}: {}", LeaseKey.of(held), e.getMessage());
            }
        }
        if (settings.releaseOnExit()) {
            BackendSession last = session;
            if (last != null) {
                kernelThread.execute(last.followers::remove);
            }
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

    /** The session is replaced only on the kernel thread; closing it from here waits for that thread's turn. */
    private void closeSession() {
        try {
            CompletableFuture.runAsync(
                            () -> {
                                if (session != null) {
                                    session.close();
                                }
                            },
                            kernelThread)
                    .get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            BackendSession current = session;
            if (current != null) {
                current.close();
            }
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
