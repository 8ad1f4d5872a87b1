package io.weft.bench.lab;

import io.weft.bench.BenchContext;
import java.util.function.Consumer;

/**
 * A network that many nodes already hold leases on, made the way a real fleet makes it: etcd,
 * one allocator-server, 10.0.0.0/8 in /24s, and leases acquired through the gRPC API with 64 in
 * flight. Figures 2 and 3 share it (growing 60,000 leases once is the slow part of both); each
 * grows it to the size it needs, and it only grows. Figures that add leases for a measurement
 * release them again, so {@link #held()} stays exact.
 */
public final class LeasePopulation implements AutoCloseable {

    public static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_24;
    public static final String PREFIX = "/bench/population";
    private static final int IN_FLIGHT = 64;
    private static final int CONNECTIONS = 16;

    private final BenchEtcd etcd;
    private final AllocatorProcess server;
    private int held;

    private LeasePopulation(BenchEtcd etcd, AllocatorProcess server) {
        this.etcd = etcd;
        this.server = server;
    }

    public static LeasePopulation start(BenchContext context) throws Exception {
        BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-population"));
        try {
            AllocatorProcess server = AllocatorProcess.start(context, "population", etcd.endpoint(), PREFIX);
            try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), 1)) {
                clients.get(0).setConfig(NETWORK.json(), false);
            }
            return new LeasePopulation(etcd, server);
        } catch (Exception e) {
            etcd.close();
            throw e;
        }
    }

    /** Acquires leases for new nodes until {@code target} are held; answers the seconds it took. */
    public synchronized double growTo(int target, Consumer<String> progress) throws InterruptedException {
        if (target <= held) {
            return 0;
        }
        long started = System.nanoTime();
        try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), CONNECTIONS)) {
            int from = held;
            LeaseLoad.acquire(
                    clients,
                    NETWORK,
                    "held",
                    from,
                    target - from,
                    IN_FLIGHT,
                    done -> progress.accept("  " + (from + done) + " of " + target + " leases held"));
        }
        held = target;
        return (System.nanoTime() - started) / 1e9;
    }

    public synchronized int held() {
        return held;
    }

    public BenchEtcd etcd() {
        return etcd;
    }

    public AllocatorProcess server() {
        return server;
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            etcd.close();
        }
    }
}
