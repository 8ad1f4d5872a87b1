package io.weft.node.agent;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.BooleanSupplier;

/** The agent's meters on /metrics: reconcile passes, kernel refusals, peers programmed and skipped, readiness. */
final class NodeMetrics {

    private final Counter reconciles;
    private final Counter failures;
    private final Counter peerSkips;
    private volatile int programmedPeers;
    private volatile int skippedPeers;

    NodeMetrics(MeterRegistry registry, BooleanSupplier ready) {
        this.reconciles = Counter.builder("weft_node_reconciles")
                .description("Reconcile passes")
                .register(registry);
        this.failures = Counter.builder("weft_node_kernel_failures")
                .description("Kernel changes that failed (retried next pass)")
                .register(registry);
        Gauge.builder("weft_node_peers", this, m -> m.programmedPeers)
                .description("Peers in the last desired state")
                .register(registry);
        this.peerSkips = Counter.builder("weft_node_peer_skips")
                .description("Peers (or one family of a peer) newly left out because their lease is unusable")
                .register(registry);
        Gauge.builder("weft_node_skipped_peers", this, m -> m.skippedPeers)
                .description("Peers left out of the last desired state")
                .register(registry);
        Gauge.builder("weft_node_ready", ready, r -> r.getAsBoolean() ? 1 : 0).register(registry);
    }

    /** A reconcile pass over {@code peers} peers ended with {@code refused} kernel changes failing. */
    void reconciled(int peers, int refused) {
        programmedPeers = peers;
        reconciles.increment();
        failures.increment(refused);
    }

    /** {@code now} peers are left out, {@code fresh} of them newly. */
    void skipped(int now, long fresh) {
        skippedPeers = now;
        peerSkips.increment(fresh);
    }
}
