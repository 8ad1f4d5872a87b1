package io.weft.node.agent;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.client.Backoff;
import io.weft.client.ExecutorScheduler;
import io.weft.client.LeaseKeeper;
import io.weft.client.LeaseWatch;
import io.weft.client.WeftClient;
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
import io.weft.node.dataplane.Dataplane;
import io.weft.node.dataplane.VxlanSpec;
import io.weft.node.netlink.LinkEvent;
import io.weft.node.netlink.NetlinkDataplane;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the agent: finds the external interface, reads the network config, prepares the
 * backend's devices, then hands over to {@link PeerProgrammer} (kernel state) and the lease
 * keeper and watch (allocator). Everything that touches the kernel runs on one thread.
 */
public final class NodeAgent implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);

    private final NodeSettings settings;
    private final WeftClient client;
    private final Dataplane dataplane;
    private final ScheduledExecutorService kernelThread;
    private final PeerProgrammer programmer;
    private final LeaseKeeper keeper;
    private final LeaseWatch watch;
    private final AutoCloseable linkWatch;
    private final OperatorHttp http;

    private NodeAgent(NodeSettings settings, WeftClient client, Dataplane dataplane, ScheduledExecutorService kernelThread,
                      PeerProgrammer programmer, LeaseKeeper keeper, LeaseWatch watch, AutoCloseable linkWatch,
                      OperatorHttp http) {
        this.settings = settings;
        this.client = client;
        this.dataplane = dataplane;
        this.kernelThread = kernelThread;
        this.programmer = programmer;
        this.keeper = keeper;
        this.watch = watch;
        this.linkWatch = linkWatch;
        this.http = http;
    }

    /** Starts the agent; it runs until {@link #close()}. */
    public static NodeAgent start(NodeSettings settings) throws Exception {
        ExternalInterface external = ExternalInterface.find(settings.iface());
        WeftClient.Builder clientSettings = WeftClient.builder().addresses(settings.servers());
        if (settings.tls() != null) {
            clientSettings.tls(settings.tls());
        }
        WeftClient client = clientSettings.build();
        NetworkConfig config = ConfigFetcher.fetch(client);
        IpAddress publicIp = config.enableIPv4() ? external.publicAddress(IpFamily.IPV4, settings.iface().publicIp())
                .orElseThrow(() -> new IllegalArgumentException(external.name() + " has no IPv4 address; use --public-ip"))
                : null;
        IpAddress publicIpv6 = config.enableIPv6() ? external.publicAddress(IpFamily.IPV6, settings.publicIpv6())
                .orElseThrow(() -> new IllegalArgumentException(external.name() + " has no global IPv6 address; "
                        + "use --public-ipv6")) : null;
        NodeHost host = NodeHost.of(settings.nodeName(), config, external.toLink(), publicIp, publicIpv6);
        Backend backend = Backends.of(new VxlanBackend(), new HostGwBackend()).forType(config.backend().type());
        LOG.info("node {}: interface {} (mtu {}), public ip {}{}, backend {}", settings.nodeName(), external.name(),
                external.mtu(), publicIp, publicIpv6 == null ? "" : " / " + publicIpv6, backend.type());

        Dataplane dataplane = NetlinkDataplane.open();
        Advertisement advertisement = backend.prepare(host, dataplane);
        ScheduledExecutorService kernelThread = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("weft-kernel").factory());
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PeerProgrammer programmer = new PeerProgrammer(host, backend, dataplane, settings.subnetFile(), registry,
                new HostFactsReader(settings.servers(), Path.of("/proc/net/route"),
                        backend.devices(host).stream().map(VxlanSpec::name).collect(Collectors.toSet())));

        SubnetEnv.Previous previous = SubnetEnv.readPrevious(settings.subnetFile());
        AcquireLeaseRequest.Builder request = AcquireLeaseRequest.newBuilder().setNodeName(settings.nodeName())
                .setTakeover(settings.takeover());
        if (publicIp != null) {
            request.setPublicIp(publicIp.toString());
        }
        if (publicIpv6 != null) {
            request.setPublicIpv6(publicIpv6.toString());
        }
        previous.subnet().ifPresent(subnet -> request.setPreviousSubnet(subnet.toString()));
        previous.ipv6Subnet().ifPresent(subnet -> request.setPreviousIpv6Subnet(subnet.toString()));
        advertisement.applyTo(request);

        // Retries at most 5 s apart: after etcd lost its data a node gets its subnet back within
        // seconds of the operator setting the config again.
        LeaseKeeper keeper = LeaseKeeper.builder(client, request.build()).renewMargin(settings.renewMargin())
                .backoff(new Backoff(Duration.ofMillis(200), 2.0, Duration.ofSeconds(5), 0.2))
                .listener(new LeaseEvents(programmer, kernelThread)).build();
        ExecutorScheduler graceTimer = ExecutorScheduler.singleThread("weft-grace-timer");
        LeaseWatch watch = LeaseWatch.builder(client, PeerEvents.toKernel(programmer, kernelThread,
                keeper.watchListener(), new StoreLossGrace(settings.nodeName(), settings.lostStoreGrace()),
                graceTimer)).build();
        AutoCloseable deviceWatch = dataplane instanceof NetlinkDataplane netlink
                ? netlink.watchLinks(event -> {
                    if (event.change() == LinkEvent.Change.REMOVED) {
                        kernelThread.execute(() -> programmer.deviceRemoved(event.name()));
                    }
                }, () -> kernelThread.execute(programmer::reconcile))
                : () -> { };
        AutoCloseable linkWatch = () -> {
            graceTimer.close();
            deviceWatch.close();
        };
        OperatorHttp http = settings.httpListen() == null ? null : OperatorHttp.start(settings.httpListen(),
                () -> Optional.ofNullable(programmer.notReadyReason()), registry);
        keeper.start();
        watch.start();
        long interval = settings.reconcileInterval().toMillis();
        kernelThread.scheduleWithFixedDelay(programmer::reconcile, interval, interval, TimeUnit.MILLISECONDS);
        return new NodeAgent(settings, client, dataplane, kernelThread, programmer, keeper, watch, linkWatch, http);
    }

    /** Stops; keeps the lease, devices and routes (a restart reuses them) unless --release-on-exit. */
    @Override
    public void close() {
        LOG.info("stopping{}", settings.releaseOnExit() ? " and releasing the lease" : "; keeping the lease and routes");
        closeQuietly(linkWatch);
        watch.close();
        Lease held = keeper.currentLease().orElse(null);
        keeper.close();
        if (settings.releaseOnExit() && held != null) {
            try {
                client.release(held.getSubnet().isEmpty() ? held.getIpv6Subnet() : held.getSubnet(), settings.nodeName());
                LOG.info("released {}", held.getSubnet());
            } catch (RuntimeException e) {
                LOG.warn("could not release {}: {}", held.getSubnet(), e.getMessage());
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
        dataplane.close();
        client.close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("close failed", e);
        }
    }
}
