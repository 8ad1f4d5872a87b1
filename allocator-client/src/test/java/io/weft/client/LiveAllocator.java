package io.weft.client;

import io.weft.allocator.AllocatorServer;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real allocator-server on a loopback port over a real etcd, for the {@code *IT} tests. Each
 * one gets an etcd prefix of its own, so tests sharing an etcd never see each other's keys; a
 * {@link #replica()} shares it. It can be stopped and restarted on the same port.
 */
public final class LiveAllocator implements AutoCloseable {

    private static final AtomicInteger PREFIXES = new AtomicInteger();

    private final List<String> etcdEndpoints;
    private final String prefix;
    private final Duration ttl;
    private AllocatorServer server;
    private int port;

    private LiveAllocator(List<String> etcdEndpoints, String prefix, Duration ttl) {
        this.etcdEndpoints = List.copyOf(etcdEndpoints);
        this.prefix = prefix;
        this.ttl = ttl;
    }

    /** A server with a fresh prefix on a free port. */
    public static LiveAllocator start(List<String> etcdEndpoints, Duration ttl) throws Exception {
        String prefix =
                "/weft-client-it-" + ProcessHandle.current().pid() + "-" + PREFIXES.incrementAndGet() + "/network";
        LiveAllocator allocator = new LiveAllocator(etcdEndpoints, prefix, ttl);
        allocator.startOn(0);
        return allocator;
    }

    /** Another server on the same etcd prefix, on a port of its own. */
    public LiveAllocator replica() throws Exception {
        LiveAllocator replica = new LiveAllocator(etcdEndpoints, prefix, ttl);
        replica.startOn(0);
        return replica;
    }

    /** The etcd prefix it serves, for tests that write keys as an outsider would. */
    public String prefix() {
        return prefix;
    }

    public ServerAddress address() {
        return new ServerAddress("127.0.0.1", port);
    }

    /** Stops serving; the port number is kept for {@link #restart()}. */
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts again on the same port. */
    public void restart() throws Exception {
        startOn(port);
    }

    private void startOn(int wantedPort) throws Exception {
        server = AllocatorServer.builder()
                .etcdEndpoints(etcdEndpoints)
                .etcdPrefix(prefix)
                .listen(new InetSocketAddress("127.0.0.1", wantedPort))
                .leaseTtl(ttl)
                .build()
                .start();
        port = server.grpcPort();
    }

    @Override
    public void close() {
        stop();
    }
}
