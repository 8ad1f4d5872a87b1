package io.weft.bench.lab;

import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.client.ServerAddress;
import java.util.concurrent.TimeUnit;

/**
 * A client from outside the project: a plain generated gRPC stub on one connection, which any
 * number of threads call at once (each call its own HTTP/2 stream), as a non-Java client
 * sending many concurrent calls over one channel would.
 */
public final class OneChannelClient implements AutoCloseable {

    private static final long DEADLINE_SECONDS = 60;

    private final ManagedChannel channel;
    private final LeaseServiceGrpc.LeaseServiceBlockingStub leases;

    public OneChannelClient(ServerAddress server) {
        this.channel = NettyChannelBuilder.forAddress(server.host(), server.port())
                .usePlaintext()
                .build();
        this.leases = LeaseServiceGrpc.newBlockingStub(channel);
    }

    public AcquireLeaseResponse acquire(AcquireLeaseRequest request) {
        return leases.withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS).acquireLease(request);
    }

    @Override
    public void close() throws InterruptedException {
        channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    }
}
