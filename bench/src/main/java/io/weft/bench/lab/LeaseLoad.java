package io.weft.bench.lab;

import io.weft.api.v1.Lease;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.function.IntConsumer;

/**
 * Acquires many leases for distinct nodes through the gRPC API, {@code inFlight} at a time
 * spread over a pool of clients: how the figures fill a network fast, the way a fleet of
 * nodes starting together would.
 */
public final class LeaseLoad {

    private LeaseLoad() {}

    /**
     * Acquires leases for nodes {@code namePrefix-first} .. {@code namePrefix-(first+count-1)}
     * and answers them in node order. {@code done} hears the running count now and then.
     *
     * @throws IllegalStateException naming the first failure, after every request has ended
     */
    public static List<Lease> acquire(
            WeftClientPool clients,
            BenchNetwork network,
            String namePrefix,
            int first,
            int count,
            int inFlight,
            IntConsumer done)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        Lease[] leases = new Lease[count];
        List<CompletableFuture<?>> calls = new ArrayList<>(count);
        Throwable[] firstError = new Throwable[1];
        for (int k = 0; k < count; k++) {
            int node = first + k;
            int slot = k;
            permits.acquire();
            calls.add(clients.get(k)
                    .acquireAsync(network.request(namePrefix + "-" + node, node))
                    .whenComplete((response, error) -> {
                        permits.release();
                        if (error != null) {
                            synchronized (firstError) {
                                if (firstError[0] == null) {
                                    firstError[0] = error;
                                }
                            }
                        } else {
                            leases[slot] = response.getLease();
                        }
                    }));
            if ((k + 1) % 5_000 == 0) {
                done.accept(k + 1);
            }
        }
        CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new))
                .exceptionally(e -> null)
                .join();
        if (firstError[0] != null) {
            throw new IllegalStateException(
                    "acquiring leases for " + namePrefix + "-*: " + firstError[0], firstError[0]);
        }
        return List.of(leases);
    }
}
