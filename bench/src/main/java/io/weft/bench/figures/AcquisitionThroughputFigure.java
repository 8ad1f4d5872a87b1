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
import io.weft.bench.lab.OneChannelClient;
import io.weft.bench.lab.PlainEtcdAcquirer;
import io.weft.bench.lab.ProcessCpu;
import io.weft.bench.lab.WeftClientPool;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Figure 1: new leases per second through allocator-server (gRPC over loopback, each client its
 * own connection, distinct node names; at the highest concurrency also all calls on one
 * connection, from a plain gRPC stub) against a plain jetcd client doing the minimal work
 * itself (grant, then create-if-absent) at the same concurrency, on the same etcd, in the same
 * run. Both sides warm up first; then, per concurrency level, the baseline and weft take turns
 * in windows of the same length, so that drift in the machine hits both alike. Last, the server is
 * restarted without group commit for the ablation.
 */
public final class AcquisitionThroughputFigure implements Figure {

    private static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_26;
    /** The server's default lease TTL, so the baseline's etcd leases live as long. */
    private static final Duration TTL = Duration.ofHours(24);
    /** Issue 13: at least this many times the per-operation baseline at the highest concurrency. */
    private static final double GOAL = 3.0;

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
                PlainEtcdAcquirer baseline = new PlainEtcdAcquirer(etcd.endpoint(), "/bench/fig1-baseline", TTL)) {
            ClosedLoop.Operation plain = (client, sequence) -> baseline.acquire(nextBaselineKey.getAndIncrement());
            try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), maxClients);
                    OneChannelClient oneChannel = new OneChannelClient(server.grpcAddress())) {
                clients.get(0).setConfig(NETWORK.json(), false);
                ClosedLoop.Operation weft = (client, sequence) -> {
                    int node = nextNode.getAndIncrement();
                    clients.get(client).acquire(NETWORK.request("node-" + node, node));
                };
                ClosedLoop.Operation shared = (client, sequence) -> {
                    int node = nextNode.getAndIncrement();
                    oneChannel.acquire(NETWORK.request("node-" + node, node));
                };

                context.progress(
                        id(),
                        "warm-up: baseline then weft, " + maxClients + " clients, " + warmUp.toMillis()
                                + " ms each (not counted)");
                ClosedLoop.run(maxClients, warmUp, plain);
                ClosedLoop.run(maxClients, warmUp, weft);
                ClosedLoop.run(maxClients, warmUp, shared);

                ProcessCpu cpu = cpuOf(server, etcd);
                int rounds = context.scale().throughputRounds();
                for (int clientsAtOnce : context.scale().throughputClients()) {
                    boolean atMax = clientsAtOnce == maxClients;
                    Throughput base = Throughput.NONE;
                    Throughput ours = Throughput.NONE;
                    Throughput oneConnection = Throughput.NONE;
                    ProcessCpu.Used baseCpu = ProcessCpu.Used.NONE;
                    ProcessCpu.Used oursCpu = ProcessCpu.Used.NONE;
                    ProcessCpu.Used oneConnectionCpu = ProcessCpu.Used.NONE;
                    for (int round = 1; round <= rounds; round++) {
                        String step = clientsAtOnce + " clients, round " + round + " of " + rounds + ": ";
                        context.progress(id(), step + "baseline for " + window.toMillis() + " ms");
                        var measuredBase = cpu.measure(() -> ClosedLoop.run(clientsAtOnce, window, plain));
                        base = base.plus(measuredBase.result());
                        baseCpu = baseCpu.plus(measuredBase.cpu());
                        context.progress(id(), step + "weft for " + window.toMillis() + " ms");
                        var measuredOurs = cpu.measure(() -> ClosedLoop.run(clientsAtOnce, window, weft));
                        ours = ours.plus(measuredOurs.result());
                        oursCpu = oursCpu.plus(measuredOurs.cpu());
                        if (atMax) {
                            context.progress(id(), step + "weft, one connection, for " + window.toMillis() + " ms");
                            var measuredOne = cpu.measure(() -> ClosedLoop.run(clientsAtOnce, window, shared));
                            oneConnection = oneConnection.plus(measuredOne.result());
                            oneConnectionCpu = oneConnectionCpu.plus(measuredOne.cpu());
                        }
                    }
                    Goal goal = atMax ? Goal.ratioAtLeast(GOAL) : Goal.report(">= " + GOAL + "x at " + maxClients);
                    report.row(
                            "new leases/s, " + clientsAtOnce + " client" + (clientsAtOnce == 1 ? "" : "s")
                                    + (clientsAtOnce == 1 ? "" : ", one connection each"),
                            Quantity.perSecond(ours.perSecond()),
                            Quantity.perSecond(base.perSecond()),
                            goal);
                    note(report, clientsAtOnce + " WeftClients", ours, base);
                    if (atMax) {
                        report.row(
                                "new leases/s, " + clientsAtOnce + " calls in flight on one connection",
                                Quantity.perSecond(oneConnection.perSecond()),
                                Quantity.perSecond(base.perSecond()),
                                Goal.ratioAtLeast(GOAL));
                        note(report, clientsAtOnce + " calls on one connection (plain gRPC stub)", oneConnection, base);
                        report.note(
                                cpuNote(clientsAtOnce, ours, oursCpu, oneConnection, oneConnectionCpu, base, baseCpu));
                    }
                }
            }
            measureWithoutGroupCommit(context, report, server, etcd, plain, nextNode);
            report.note("Network " + NETWORK.json() + "; weft prefix /bench/fig1-weft, baseline keys in flannel's"
                    + " format under /bench/fig1-baseline on the same etcd (one etcd lease per key, TTL 24 h);"
                    + " allocator-server in its own JVM; " + maxClients + " WeftClients, one connection each, or one"
                    + " plain gRPC stub on one ManagedChannel that " + maxClients + " threads call at once.");
        }
    }

    /**
     * The ablation: the same server restarted with {@code --group-commit=false} (one etcd
     * transaction per write), one window per side at the highest concurrency. Reported only.
     */
    private void measureWithoutGroupCommit(
            BenchContext context,
            FigureReport report,
            AllocatorProcess server,
            BenchEtcd etcd,
            ClosedLoop.Operation plain,
            AtomicInteger nextNode)
            throws Exception {
        int maxClients = Collections.max(context.scale().throughputClients());
        Duration window = context.scale().throughputWindow();
        context.progress(id(), "restarting allocator-server with --group-commit=false (ablation)");
        server.restart(List.of("--group-commit=false"), () -> {});
        try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), maxClients);
                OneChannelClient oneChannel = new OneChannelClient(server.grpcAddress())) {
            ClosedLoop.Operation weft = (client, sequence) -> {
                int node = nextNode.getAndIncrement();
                clients.get(client).acquire(NETWORK.request("node-" + node, node));
            };
            ClosedLoop.Operation shared = (client, sequence) -> {
                int node = nextNode.getAndIncrement();
                oneChannel.acquire(NETWORK.request("node-" + node, node));
            };
            ClosedLoop.run(maxClients, context.scale().throughputWarmUp(), weft);
            context.progress(
                    id(), "ablation: baseline, weft, weft on one connection, " + window.toMillis() + " ms each");
            ProcessCpu cpu = cpuOf(server, etcd);
            var measuredBase = cpu.measure(() -> ClosedLoop.run(maxClients, window, plain));
            var measuredOurs = cpu.measure(() -> ClosedLoop.run(maxClients, window, weft));
            var measuredOne = cpu.measure(() -> ClosedLoop.run(maxClients, window, shared));
            Throughput base = measuredBase.result();
            Throughput ours = measuredOurs.result();
            Throughput oneConnection = measuredOne.result();
            report.row(
                    "without group commit: new leases/s, " + maxClients + " clients, one connection each",
                    Quantity.perSecond(ours.perSecond()),
                    Quantity.perSecond(base.perSecond()),
                    Goal.report("ablation"));
            report.row(
                    "without group commit: new leases/s, " + maxClients + " calls on one connection",
                    Quantity.perSecond(oneConnection.perSecond()),
                    Quantity.perSecond(base.perSecond()),
                    Goal.report("ablation"));
            note(report, "without group commit, " + maxClients + " WeftClients", ours, base);
            note(report, "without group commit, " + maxClients + " calls on one connection", oneConnection, base);
            report.note("Without group commit, "
                    + cpuNote(
                            maxClients,
                            ours,
                            measuredOurs.cpu(),
                            oneConnection,
                            measuredOne.cpu(),
                            base,
                            measuredBase.cpu()));
        }
    }

    /** The bench JVM (where every client runs), the server and etcd. */
    private static ProcessCpu cpuOf(AllocatorProcess server, BenchEtcd etcd) {
        return new ProcessCpu()
                .self("clients")
                .process("allocator-server", server::pid)
                .process("etcd", etcd::pid);
    }

    /** Where the machine's CPU went, per acquisition: what caps a CPU-bound rate on 2 cores. */
    private static String cpuNote(
            int clients,
            Throughput ours,
            ProcessCpu.Used oursCpu,
            Throughput oneConnection,
            ProcessCpu.Used oneConnectionCpu,
            Throughput base,
            ProcessCpu.Used baseCpu) {
        return "CPU time per acquisition at " + clients + " in flight (user + system, per process): weft with "
                + clients + " WeftClients: "
                + oursCpu.perOperation(ours.completed(), "clients", "allocator-server", "etcd")
                + "; weft, one connection: "
                + oneConnectionCpu.perOperation(oneConnection.completed(), "clients", "allocator-server", "etcd")
                + "; baseline (jetcd in the clients' JVM): "
                + baseCpu.perOperation(base.completed(), "clients", "etcd") + ".";
    }

    private static void note(FigureReport report, String what, Throughput ours, Throughput base) {
        report.note(String.format(
                java.util.Locale.ROOT,
                "%s: weft %,d acquisitions in %d ms (%d failed%s); baseline %,d in %d ms (%d failed%s).",
                what,
                ours.completed(),
                ours.window().toMillis(),
                ours.failed(),
                errorText(ours),
                base.completed(),
                base.window().toMillis(),
                base.failed(),
                errorText(base)));
    }

    private static String errorText(Throughput throughput) {
        return throughput.firstError() == null ? "" : ", first: " + throughput.firstError();
    }
}
