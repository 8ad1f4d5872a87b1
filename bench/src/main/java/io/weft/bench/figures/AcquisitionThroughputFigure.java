package io.weft.bench.figures;

import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.lab.AllocatorProcess;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.ClosedLoop;
import io.weft.bench.lab.ClosedLoop.Throughput;
import io.weft.bench.lab.PlainEtcdAcquirer;
import io.weft.bench.lab.WeftClientPool;
import java.time.Duration;
import java.util.Collections;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figure 1: new leases per second through allocator-server (gRPC over loopback, each client its
 * own connection, distinct node names) against a plain jetcd client doing the minimal work
 * itself (grant, then create-if-absent) at the same concurrency, on the same etcd, in the same
 * run. Both sides warm up first; then, per concurrency level, the baseline and weft take turns
 * in windows of the same length, so that drift in the machine hits both alike.
 */
public final class AcquisitionThroughputFigure implements Figure {

    private static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_26;
    /** The server's default lease TTL, so the baseline's etcd leases live as long. */
    private static final Duration TTL = Duration.ofHours(24);

    @Override
    public String id() {
        return "1";
    }

    @Override
    public String title() {
        return "Acquisition throughput: weft over gRPC vs plain jetcd grant + create-if-absent";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        int maxClients = Collections.max(context.scale().throughputClients());
        Duration warmUp = context.scale().throughputWarmUp();
        Duration window = context.scale().throughputWindow();
        AtomicInteger nextNode = new AtomicInteger();
        AtomicInteger nextBaselineKey = new AtomicInteger();
        context.progress(id(), "starting etcd and allocator-server");
        try (BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-fig1"));
                AllocatorProcess server = AllocatorProcess.start(context, "fig1", etcd.endpoint(), "/bench/fig1-weft");
                WeftClientPool clients = new WeftClientPool(server.grpcAddress(), maxClients);
                PlainEtcdAcquirer baseline = new PlainEtcdAcquirer(etcd.endpoint(), "/bench/fig1-baseline", TTL)) {
            clients.get(0).setConfig(NETWORK.json(), false);
            ClosedLoop.Operation weft = (client, sequence) -> {
                int node = nextNode.getAndIncrement();
                clients.get(client).acquire(NETWORK.request("node-" + node, node));
            };
            ClosedLoop.Operation plain = (client, sequence) -> baseline.acquire(nextBaselineKey.getAndIncrement());

            context.progress(
                    id(),
                    "warm-up: baseline then weft, " + maxClients + " clients, " + warmUp.toMillis()
                            + " ms each (not counted)");
            ClosedLoop.run(maxClients, warmUp, plain);
            ClosedLoop.run(maxClients, warmUp, weft);

            int rounds = context.scale().throughputRounds();
            for (int clientsAtOnce : context.scale().throughputClients()) {
                Throughput base = new Throughput(0, 0, Duration.ZERO, null);
                Throughput ours = new Throughput(0, 0, Duration.ZERO, null);
                for (int round = 1; round <= rounds; round++) {
                    String step = clientsAtOnce + " clients, round " + round + " of " + rounds + ": ";
                    context.progress(id(), step + "baseline for " + window.toMillis() + " ms");
                    base = base.plus(ClosedLoop.run(clientsAtOnce, window, plain));
                    context.progress(id(), step + "weft for " + window.toMillis() + " ms");
                    ours = ours.plus(ClosedLoop.run(clientsAtOnce, window, weft));
                }
                Goal goal =
                        clientsAtOnce == maxClients ? Goal.ratioAtLeast(1.0) : Goal.report(">= 1.0x at " + maxClients);
                report.row(
                        "new leases/s, " + clientsAtOnce + " client" + (clientsAtOnce == 1 ? "" : "s"),
                        Quantity.perSecond(ours.perSecond()),
                        Quantity.perSecond(base.perSecond()),
                        goal);
                report.note(String.format(
                        java.util.Locale.ROOT,
                        "%d client%s: weft %,d acquisitions in %d ms (%d failed%s); baseline %,d (%d failed%s).",
                        clientsAtOnce,
                        clientsAtOnce == 1 ? "" : "s",
                        ours.completed(),
                        ours.window().toMillis(),
                        ours.failed(),
                        errorText(ours),
                        base.completed(),
                        base.failed(),
                        errorText(base)));
            }
            report.note("Network " + NETWORK.json() + "; weft prefix /bench/fig1-weft, baseline keys in flannel's"
                    + " format under /bench/fig1-baseline on the same etcd (one etcd lease per key, TTL 24 h);"
                    + " allocator-server in its own JVM; " + maxClients + " WeftClients, one connection each.");
        }
    }

    private static String errorText(Throughput throughput) {
        return throughput.firstError() == null ? "" : ", first: " + throughput.firstError();
    }
}
