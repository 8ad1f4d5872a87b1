package io.weft.allocator;

import io.etcd.jetcd.Client;
import io.grpc.BindableService;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionService;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.handler.ssl.SslContext;
import io.weft.allocator.check.ConsistencyCheck;
import io.weft.allocator.compaction.EtcdMaintenance;
import io.weft.allocator.map.LeaseMapPage;
import io.weft.allocator.security.AccessPolicy;
import io.weft.allocator.security.AuthorizationInterceptor;
import io.weft.allocator.security.EtcdClientSecurity;
import io.weft.allocator.security.ServerTls;
import io.weft.allocator.service.CheckGrpcService;
import io.weft.allocator.service.HostileRequests;
import io.weft.allocator.service.LeaseServices;
import io.weft.allocator.service.WatchSettings;
import io.weft.allocator.store.EtcdLeaseStore;
import io.weft.allocator.store.EtcdLeaseTable;
import io.weft.allocator.store.EtcdRequestObserver;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseStore;
import io.weft.http.OperatorHttp;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Configures and starts an {@link AllocatorServer}: connects to etcd, loads its state, and
 * serves gRPC (with reflection and health) and, when asked, the operator HTTP port.
 */
public final class AllocatorServerBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(AllocatorServerBuilder.class);
    private List<String> etcdEndpoints = List.of();
    private String etcdPrefix = KeyLayout.DEFAULT_PREFIX;
    private InetSocketAddress listen = new InetSocketAddress("127.0.0.1", ServerDefaults.GRPC_PORT);
    private InetSocketAddress httpListen;
    private Duration leaseTtl = ServerDefaults.LEASE_TTL;
    private Duration reuseQuarantine = ServerDefaults.REUSE_QUARANTINE;
    private InstantSource clock = InstantSource.system();
    private ServerBuilder<?> grpcServerBuilder;
    private Duration startTimeout = Duration.ofSeconds(30);
    private ServerTls tls;
    private AccessPolicy accessPolicy = new AccessPolicy(Set.of());
    private EtcdClientSecurity etcdSecurity = EtcdClientSecurity.NONE;
    private Duration compactionInterval = ServerDefaults.COMPACTION_INTERVAL;
    private String localEtcdEndpoint;
    private WatchSettings watchSettings = WatchSettings.DEFAULTS;
    private int nodeRateLimit = LeaseServices.NODE_RATE_LIMIT;
    private boolean groupCommit = true;

    public AllocatorServerBuilder etcdEndpoints(List<String> endpoints) {
        this.etcdEndpoints = List.copyOf(endpoints);
        return this;
    }

    public AllocatorServerBuilder etcdPrefix(String prefix) {
        this.etcdPrefix = prefix;
        return this;
    }

    public AllocatorServerBuilder listen(InetSocketAddress address) {
        this.listen = address;
        return this;
    }

    /** The HTTP port for /healthz, /readyz, /metrics and the lease map page (/); none when not set. */
    public AllocatorServerBuilder httpListen(InetSocketAddress address) {
        this.httpListen = address;
        return this;
    }

    public AllocatorServerBuilder leaseTtl(Duration ttl) {
        this.leaseTtl = ttl;
        return this;
    }

    public AllocatorServerBuilder reuseQuarantine(Duration quarantine) {
        this.reuseQuarantine = quarantine;
        return this;
    }

    public AllocatorServerBuilder clock(InstantSource clock) {
        this.clock = clock;
        return this;
    }

    /** Serve on this builder instead of a Netty server on {@link #listen} (tests: in-process). */
    public AllocatorServerBuilder grpcServerBuilder(ServerBuilder<?> builder) {
        this.grpcServerBuilder = builder;
        return this;
    }

    /**
     * TLS on the gRPC port; with a client CA, mutual TLS and the {@link #accessPolicy}.
     * Plaintext when not set (the default, for loopback).
     */
    public AllocatorServerBuilder tls(ServerTls tls) {
        this.tls = tls;
        return this;
    }

    /** Who may do what once clients present certificates; by default nobody is an admin. */
    public AllocatorServerBuilder accessPolicy(AccessPolicy policy) {
        this.accessPolicy = Objects.requireNonNull(policy);
        return this;
    }

    /** TLS and credentials for the connection to etcd; none by default. */
    public AllocatorServerBuilder etcdSecurity(EtcdClientSecurity security) {
        this.etcdSecurity = Objects.requireNonNull(security);
        return this;
    }

    /**
     * How often etcd's history is compacted, to the revision seen one interval earlier, at
     * most once per interval across all replicas; zero: never (the operator compacts).
     */
    public AllocatorServerBuilder compactionInterval(Duration interval) {
        this.compactionInterval = Objects.requireNonNull(interval);
        return this;
    }

    /**
     * The client URL of the etcd member this server runs itself (none by default): it is
     * defragmented at start-up and after compactions when that gives back much of its file.
     */
    public AllocatorServerBuilder localEtcdEndpoint(String endpoint) {
        this.localEtcdEndpoint = endpoint;
        return this;
    }

    /** Watch stream progress interval and limits; {@link WatchSettings#DEFAULTS} by default. */
    public AllocatorServerBuilder watchSettings(WatchSettings settings) {
        this.watchSettings = Objects.requireNonNull(settings);
        return this;
    }

    /** Acquisitions and renewals per node name per minute; 0 for no limit. */
    public AllocatorServerBuilder nodeRateLimit(int perMinute) {
        this.nodeRateLimit = perMinute;
        return this;
    }

    /**
     * true (the default): writes submitted while an etcd transaction is in flight share the next
     * one; false: one transaction per write (the baseline for the throughput benchmark).
     */
    public AllocatorServerBuilder groupCommit(boolean on) {
        this.groupCommit = on;
        return this;
    }

    public AllocatorServerBuilder startTimeout(Duration timeout) {
        this.startTimeout = timeout;
        return this;
    }

    public AllocatorServerBuilder build() {
        if (etcdEndpoints.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is required");
        }
        new KeyLayout(etcdPrefix);
        ServerDefaults.checkTtl(leaseTtl);
        ServerDefaults.checkCompactionInterval(compactionInterval);
        Objects.requireNonNull(clock);
        return this;
    }

    /** Connects to etcd, loads its state, and starts serving. */
    public AllocatorServer start() throws Exception {
        build();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        SslContext grpcTls = tls == null ? null : tls.sslContext();
        Client client = etcdSecurity
                .applyTo(
                        Client.builder()
                                .endpoints(etcdEndpoints.toArray(String[]::new))
                                .maxInboundMessageSize(EtcdLeaseStore.MAX_INBOUND_BYTES),
                        etcdEndpoints)
                .build();
        LeaseStore store = new EtcdLeaseStore(client, new KeyLayout(etcdPrefix), etcdLatency(registry), groupCommit);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("weft-follower").daemon().factory());
        LeaseServices services = new LeaseServices(
                store, clock, leaseTtl, reuseQuarantine, watchSettings, nodeRateLimit, registry, scheduler);
        HealthStatusManager health = new HealthStatusManager();
        Server grpc = null;
        OperatorHttp http = null;
        EtcdMaintenance maintenance = null;
        try {
            maintenance = EtcdMaintenance.start(
                    client, new KeyLayout(etcdPrefix), compactionInterval, localEtcdEndpoint, clock, registry);
            ServerBuilder<?> builder = grpcServerBuilder != null
                    ? grpcServerBuilder
                    : grpcTls != null
                            ? NettyServerBuilder.forAddress(listen).sslContext(grpcTls)
                            : NettyServerBuilder.forAddress(listen);
            boolean authorize = tls != null && tls.requiresClientCertificates();
            ServerInterceptor access = new AuthorizationInterceptor(accessPolicy, services::holderOf, registry);
            List<BindableService> grpcServices = new ArrayList<>(services.grpcServices());
            grpcServices.add(new CheckGrpcService(
                    store,
                    new EtcdLeaseTable(
                            client,
                            etcdEndpoints,
                            etcdSecurity.sslContext(etcdEndpoints),
                            etcdSecurity.user(),
                            etcdSecurity.password()),
                    leaseTtl,
                    new ConsistencyCheck(new KeyLayout(etcdPrefix))));
            for (BindableService service : grpcServices) {
                // The last interceptor runs first: call metrics also count the refusals.
                builder.addService(HostileRequests.guarded(
                        authorize
                                ? ServerInterceptors.intercept(service, access, services.callMetrics())
                                : ServerInterceptors.intercept(service, services.callMetrics())));
            }
            for (BindableService service : List.of(
                    ProtoReflectionServiceV1.newInstance(),
                    ProtoReflectionService.newInstance(),
                    health.getHealthService())) {
                builder.addService(HostileRequests.guarded(service.bindService()));
            }
            health.setStatus("", ServingStatus.NOT_SERVING);
            grpc = builder.build().start();
            if (httpListen != null) {
                // Ready once etcd's state is loaded and the watch is current.
                http = OperatorHttp.start(
                        httpListen,
                        () -> services.ready() ? Optional.empty() : Optional.of("etcd state not loaded"),
                        registry,
                        Map.of(),
                        LeaseMapPage.pages(services, clock));
            }
            try {
                services.start().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
                health.setStatus("", ServingStatus.SERVING);
                for (BindableService service : grpcServices) {
                    health.setStatus(
                            service.bindService().getServiceDescriptor().getName(), ServingStatus.SERVING);
                }
            } catch (TimeoutException e) {
                LOG.warn(
                        "etcd state not loaded within {} s; serving anyway and retrying (readyz stays 503)",
                        startTimeout.toSeconds());
            }
            LOG.info(
                    "allocator-server serving gRPC on {}{} over etcd {} ({}) prefix {}",
                    grpc.getListenSockets().isEmpty()
                            ? "in-process"
                            : grpc.getListenSockets().getFirst(),
                    http == null ? "" : ", HTTP on port " + http.port(),
                    etcdEndpoints,
                    etcdSecurity.describe(etcdEndpoints),
                    etcdPrefix);
            if (authorize) {
                LOG.info(
                        "gRPC uses mutual TLS: clients are identified by their certificate; admin identities: {}",
                        accessPolicy.admins().isEmpty() ? "none" : String.join(", ", accessPolicy.admins()));
            } else {
                LOG.warn(
                        "gRPC is open: {}, so every client may call every method (give a client CA to check "
                                + "who calls)",
                        tls == null ? "plaintext without client certificates" : "TLS without client certificates");
            }
            return new AllocatorServer(grpc, http, services, store, scheduler, health, maintenance);
        } catch (Exception e) {
            if (grpc != null) {
                grpc.shutdownNow();
            }
            if (http != null) {
                http.close();
            }
            services.close();
            if (maintenance != null) {
                maintenance.close();
            }
            store.close();
            scheduler.shutdownNow();
            throw e;
        }
    }

    private static EtcdRequestObserver etcdLatency(PrometheusMeterRegistry registry) {
        return (operation, nanos, succeeded) -> Timer.builder("weft_etcd_request")
                .description("etcd requests made by this server")
                .tag("operation", operation)
                .tag("outcome", succeeded ? "ok" : "error")
                .register(registry)
                .record(nanos, TimeUnit.NANOSECONDS);
    }
}
