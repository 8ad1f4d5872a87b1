package io.weft.allocator.service;

import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.allocator.store.LeaseStore;
import io.weft.api.v1.LeaseServiceGrpc;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One allocator replica's lease services over a store the test steers, served on gRPC's
 * in-process transport: the real services and the real wire format, with a seam in the store.
 */
final class InProcessReplica implements AutoCloseable {

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final LeaseServices services;
    private final Server server;
    private final ManagedChannel channel;

    InProcessReplica(LeaseStore store, Duration ttl) throws Exception {
        this(store, ttl, true);
    }

    /** @param awaitLoad whether to wait for the services' first load of etcd before serving */
    InProcessReplica(LeaseStore store, Duration ttl, boolean awaitLoad) throws Exception {
        services = new LeaseServices(
                store, InstantSource.system(), ttl, Duration.ZERO, new SimpleMeterRegistry(), scheduler);
        CompletableFuture<Void> loaded = services.start();
        if (awaitLoad) {
            loaded.get(10, TimeUnit.SECONDS);
        }
        String name = InProcessServerBuilder.generateName();
        InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
        services.grpcServices().forEach(builder::addService);
        server = builder.build().start();
        channel = InProcessChannelBuilder.forName(name).build();
    }

    /** Whether the services have loaded etcd's state. */
    boolean ready() {
        return services.ready();
    }

    /** An asynchronous stub, for watch streams. */
    LeaseServiceGrpc.LeaseServiceStub watches() {
        return LeaseServiceGrpc.newStub(channel);
    }

    LeaseServiceGrpc.LeaseServiceBlockingStub leases() {
        return LeaseServiceGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        channel.shutdownNow();
        server.shutdownNow();
        services.close();
        scheduler.shutdownNow();
    }
}
