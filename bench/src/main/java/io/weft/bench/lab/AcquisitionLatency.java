package io.weft.bench.lab;

import io.weft.api.v1.Lease;
import io.weft.client.LeaseKey;
import io.weft.client.ServerAddress;
import io.weft.client.WeftClient;
import java.util.List;

/**
 * The latency of one AcquireLease for a new node with nothing else in flight, as the client sees
 * it (gRPC round trip included). Each timed acquisition is followed by an untimed release, so the
 * number of leases held stays what the caller set up; untimed warm-up rounds come first, because
 * the server was usually just (re)started.
 */
public final class AcquisitionLatency {

    private AcquisitionLatency() {}

    /** Nanoseconds per acquisition, {@code samples} of them, on a fresh connection. */
    public static Percentiles measure(
            ServerAddress server, BenchNetwork network, String namePrefix, int warmUp, int samples) {
        try (WeftClient client = WeftClient.connect(List.of(server))) {
            int node = 0;
            for (int i = 0; i < warmUp; i++, node++) {
                acquireAndRelease(client, network, namePrefix, node);
            }
            long[] nanos = new long[samples];
            for (int i = 0; i < samples; i++, node++) {
                nanos[i] = acquireAndRelease(client, network, namePrefix, node);
            }
            return Percentiles.of(nanos);
        }
    }

    private static long acquireAndRelease(WeftClient client, BenchNetwork network, String namePrefix, int node) {
        String name = namePrefix + "-" + node;
        long started = System.nanoTime();
        Lease lease = client.acquire(network.request(name, 1_000_000 + node)).getLease();
        long took = System.nanoTime() - started;
        client.release(LeaseKey.of(lease), name);
        return took;
    }
}
