package io.weft.node.agent;

import io.grpc.ForwardingServerBuilder;
import io.grpc.Server;
import io.grpc.ServerBuilder;
import io.grpc.ServerInterceptor;
import io.grpc.inprocess.InProcessServerBuilder;
import io.weft.allocator.AllocatorServer;
import io.weft.client.InProcessServer;
import io.weft.client.RetryPolicy;
import io.weft.client.ServerAddress;
import io.weft.client.WeftClient;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The real allocator-server over a real etcd (a prefix of its own), served on gRPC's in-process
 * transport under a made-up address, so agents reach it through an ordinary {@link WeftClient}
 * and nothing listens on a port. It can go away and come back under the same address. Its
 * clock is the test's manual one, so lease expiry times agree with the agents'.
 */
final class InProcessAllocator implements AutoCloseable {

    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final List<String> etcdEndpoints;
    private final InstantSource clock;
    private final List<ServerInterceptor> interceptors;
    private final int instance = INSTANCES.incrementAndGet();
    /** Leases live a day; agents renew a minute after acquiring ({@link TestHost#RENEW_MARGIN}). */
    static final Duration LEASE_TTL = Duration.ofHours(24);

    private AllocatorServer server;
    private Server grpc;

    private InProcessAllocator(List<String> etcdEndpoints, InstantSource clock, List<ServerInterceptor> interceptors) {
        this.etcdEndpoints = List.copyOf(etcdEndpoints);
        this.clock = clock;
        this.interceptors = List.copyOf(interceptors);
    }

    static InProcessAllocator start(List<String> etcdEndpoints, InstantSource clock) throws Exception {
        return start(etcdEndpoints, clock, List.of());
    }

    /** As {@link #start(List, InstantSource)}, every call passing through {@code interceptors}. */
    static InProcessAllocator start(
            List<String> etcdEndpoints, InstantSource clock, List<ServerInterceptor> interceptors) throws Exception {
        InProcessAllocator allocator = new InProcessAllocator(etcdEndpoints, clock, interceptors);
        allocator.restart();
        return allocator;
    }

    /** Where agents find it: a name the in-process transport maps to this server. */
    ServerAddress address() {
        return new ServerAddress("allocator-" + ProcessHandle.current().pid() + "-" + instance, 7070);
    }

    /** A client of this server that does not retry on its own (the agent's back-off does). */
    WeftClient client() {
        return WeftClient.builder()
                .addresses(List.of(address()))
                .channelFactory(InProcessServer.channelFactory())
                .retryPolicy(RetryPolicy.none())
                .deadline(Duration.ofSeconds(10))
                .build();
    }

    /** Stops serving, as a crashed or partitioned allocator. */
    void stop() {
        if (server != null) {
            // At once, as a crash: a graceful stop would wait for the agents' open watch streams.
            grpc.shutdownNow();
            server.close();
            server = null;
        }
    }

    /** Serves again under the same address, over the same etcd keys. */
    void restart() throws Exception {
        InProcessServerBuilder grpcBuilder =
                InProcessServerBuilder.forName(address().toString());
        interceptors.forEach(grpcBuilder::intercept);
        server = AllocatorServer.builder()
                .etcdEndpoints(etcdEndpoints)
                .etcdPrefix("/weft-agent-test-" + ProcessHandle.current().pid() + "-" + instance + "/network")
                .grpcServerBuilder(new CapturingBuilder(grpcBuilder))
                .leaseTtl(LEASE_TTL)
                .clock(clock)
                .start();
    }

    @Override
    public void close() {
        stop();
    }

    /** Hands the built gRPC server to {@link #grpc}, which the allocator does not expose. */
    private final class CapturingBuilder extends ForwardingServerBuilder<CapturingBuilder> {

        private final InProcessServerBuilder delegate;

        CapturingBuilder(InProcessServerBuilder delegate) {
            this.delegate = delegate;
        }

        @Override
        protected ServerBuilder<?> delegate() {
            return delegate;
        }

        @Override
        public Server build() {
            grpc = super.build();
            return grpc;
        }
    }
}
