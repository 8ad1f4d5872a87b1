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
import io.weft.allocator.compaction.EtcdMaintenance;
import io.weft.allocator.security.AccessPolicy;
import io.weft.allocator.security.AuthorizationInterceptor;
import io.weft.allocator.security.EtcdClientSecurity;
import io.weft.allocator.security.ServerTls;
import io.weft.allocator.service.HostileRequests;
import io.weft.allocator.service.LeaseServices;
import io.weft.allocator.service.WatchSettings;
import io.weft.allocator.store.EtcdLeaseStore;
import io.weft.allocator.store.EtcdRequestObserver;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseStore;
import io.weft.http.OperatorHttp;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
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
 * One allocator-server replica: the gRPC lease and network services (plus reflection and
 * health), the HTTP health and metrics port, over etcd. Replicas hold no state of their own:
 * any number may run on one etcd.
 */
public final class AllocatorServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AllocatorServer.class);

    private final Server grpc;
    private final OperatorHttp http;
    private final LeaseServices services;
    private final LeaseStore store;
    private final ScheduledExecutorService scheduler;
    private final HealthStatusManager health;
    private final EtcdMaintenance maintenance;

    private AllocatorServer(
            Server grpc,
            OperatorHttp http,
            LeaseServices services,
            LeaseStore store,
            ScheduledExecutorService scheduler,
            HealthStatusManager health,
            EtcdMaintenance maintenance) {
        this.grpc = grpc;
        this.http = http;
        this.services = services;
        this.store = store;
        this.scheduler = scheduler;
        this.health = health;
        this.maintenance = maintenance;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The gRPC port actually bound (useful with port 0); -1 for in-process servers. */
    public int grpcPort() {
        return grpc.getPort();
    }

    /** The HTTP port actually bound, or -1 when there is no HTTP port. */
    public int httpPort() {
        return http == null ? -1 : http.port();
    }

    public boolean ready() {
        return services.ready();
    }

    @Override
    public void close() {
        health.enterTerminalState();
        grpc.shutdown();
        try {
            if (!grpc.awaitTermination(5, TimeUnit.SECONDS)) {
                grpc.shutdownNow();
            }
        } catch (InterruptedException e) {
            grpc.shutdownNow();
            Thread.currentThread().interrupt();
        }
        if (http != null) {
            http.close();
        }
        services.close();
        maintenance.close();
        store.close();
        scheduler.shutdownNow();
        LOG.info("allocator-server stopped");
    }

    /** Builds a server; everything but the etcd endpoints has a default. */
    public static final class Builder {
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

        public Builder etcdEndpoints(List<String> endpoints) {
            this.etcdEndpoints = List.copyOf(endpoints);
            return this;
        }

        public Builder etcdPrefix(String prefix) {
            this.etcdPrefix = prefix;
            return this;
        }

        public Builder listen(InetSocketAddress address) {
            this.listen = address;
            return this;
        }

        /** The HTTP port for /healthz, /readyz and /metrics; none when not set. */
        public Builder httpListen(InetSocketAddress address) {
            this.httpListen = address;
            return this;
        }

        public Builder leaseTtl(Duration ttl) {
            this.leaseTtl = ttl;
            return this;
        }

        public Builder reuseQuarantine(Duration quarantine) {
            this.reuseQuarantine = quarantine;
            return this;
        }

        public Builder clock(InstantSource clock) {
            this.clock = clock;
            return this;
        }

        /** Serve on this builder instead of a Netty server on {@link #listen} (tests: in-process). */
        public Builder grpcServerBuilder(ServerBuilder<?> builder) {
            this.grpcServerBuilder = builder;
            return this;
        }

        /**
         * TLS on the gRPC port; with a client CA, mutual TLS and the {@link #accessPolicy}.
         * Plaintext when not set (the default, for loopback).
         */
        public Builder tls(ServerTls tls) {
            this.tls = tls;
            return this;
        }

        /** Who may do what once clients present certificates; by default nobody is an admin. */
        public Builder accessPolicy(AccessPolicy policy) {
            this.accessPolicy = Objects.requireNonNull(policy);
            return this;
        }

        /** TLS and credentials for the connection to etcd; none by default. */
        public Builder etcdSecurity(EtcdClientSecurity security) {
            this.etcdSecurity = Objects.requireNonNull(security);
            return this;
        }

        /**
         * How often etcd's history is compacted, to the revision seen one interval earlier, at
         * most once per interval across all replicas; zero: never (the operator compacts).
         */
        public Builder compactionInterval(Duration interval) {
            this.compactionInterval = Objects.requireNonNull(interval);
            return this;
        }

        /**
         * The client URL of the etcd member this server runs itself (none by default): it is
         * defragmented at start-up and after compactions when that gives back much of its file.
         */
        public Builder localEtcdEndpoint(String endpoint) {
            this.localEtcdEndpoint = endpoint;
            return this;
        }

        /** Watch stream progress interval and limits; {@link WatchSettings#DEFAULTS} by default. */
        public Builder watchSettings(WatchSettings settings) {
            this.watchSettings = Objects.requireNonNull(settings);
            return this;
        }

        /** Acquisitions and renewals per node name per minute; 0 for no limit. */
        public Builder nodeRateLimit(int perMinute) {
            this.nodeRateLimit = perMinute;
            return this;
        }

        public Builder startTimeout(Duration timeout) {
            this.startTimeout = timeout;
            return this;
        }

        public Builder build() {
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
                    .applyTo(Client.builder().endpoints(etcdEndpoints.toArray(String[]::new)), etcdEndpoints)
                    .build();
            LeaseStore store = new EtcdLeaseStore(client, new KeyLayout(etcdPrefix), etcdLatency(registry));
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
                for (BindableService service : services.grpcServices()) {
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
                            registry);
                }
                try {
                    services.start().get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
                    health.setStatus("", ServingStatus.SERVING);
                    for (BindableService service : services.grpcServices()) {
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
}
