package io.weft.allocator;

import io.grpc.Server;
import io.grpc.protobuf.services.HealthStatusManager;
import io.weft.allocator.compaction.EtcdMaintenance;
import io.weft.allocator.service.LeaseServices;
import io.weft.allocator.store.LeaseStore;
import io.weft.http.OperatorHttp;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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

    AllocatorServer(
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

    public static AllocatorServerBuilder builder() {
        return new AllocatorServerBuilder();
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
}
