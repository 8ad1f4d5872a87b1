package io.weft.bench.figures;

import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.child.LargeNetworkNodeProbeMain;
import io.weft.bench.lab.AcquisitionLatency;
import io.weft.bench.lab.AllocatorProcess;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.BenchNamespace;
import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.ChildProcess;
import io.weft.bench.lab.EtcdLeaseFill;
import io.weft.bench.lab.LeaseLoad;
import io.weft.bench.lab.Percentiles;
import io.weft.bench.lab.PrometheusScrape;
import io.weft.bench.lab.RemoteJvm;
import io.weft.bench.lab.WeftClientPool;
import io.weft.config.IpPrefix;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Issue 13, section 6: 250,000 leases on 10.0.0.0/8 in /26s (262,143 subnets). 100 leases are
 * acquired through the API and the server restarted: acquisition latency, heap after GC and
 * start to ready there are the baseline. Then the rest are written straight into etcd
 * ({@link EtcdLeaseFill}: the keys an acquisition writes) and the server restarted, loading them
 * all: start to ready, heap per lease (with a class histogram diff) and acquisition latency
 * again. Last, in a fresh network namespace, the same network is built on an etcd there and one
 * weft-node is timed from process start to {@code subnet.env}.
 *
 * <p>Sizes: 250,000 leases; {@code --quick}: 5,000.
 */
public final class LargeNetworkFigure implements Figure {

    private static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_26;
    private static final IpPrefix IPV4_NETWORK = IpPrefix.parse("10.0.0.0/8");
    private static final int SUBNET_LENGTH = 26;
    private static final String PREFIX = "/bench/250k";
    private static final int BASE_LEASES = 100;
    private static final int CLASSES_SHOWN = 6;

    /** Live heap and live bytes per class at one moment. */
    private record Heap(long used, Map<String, Long> byClass) {
        static Heap of(AllocatorProcess server) throws Exception {
            try (RemoteJvm jvm = server.attach()) {
                return new Heap(jvm.memory().heapUsedAfterGc(), jvm.liveBytesByClass());
            }
        }
    }

    /**
     * What else happened while the acquisitions were timed: the server's stop-the-world
     * collections, etcd's own write path (backend commit and WAL fsync, p99 to the bucket), and
     * etcd transactions as the server timed them (request to answer, mean).
     */
    private record Beside(RemoteJvm.Pauses pauses, double etcdCommitP99, double etcdFsyncP99, double txnMeanMillis) {
        String describe() {
            return String.format(
                    Locale.ROOT,
                    "%d collections pausing %d ms in all; etcd backend commit p99 <= %.0f ms, WAL fsync p99 <= %.0f"
                            + " ms; etcd transactions as the server saw them %.2f ms on average",
                    pauses.count(),
                    pauses.millis(),
                    etcdCommitP99 * 1e3,
                    etcdFsyncP99 * 1e3,
                    txnMeanMillis);
        }
    }

    /** What one point measured, after a restart that loaded its leases from etcd. */
    private record Point(int leases, long startMillis, Heap heap, Percentiles latency, Beside beside) {}

    @Override
    public String id() {
        return "250k";
    }

    @Override
    public String title() {
        return "250,000 leases: acquisition latency, server heap, start to ready and a node's start";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        int leases = context.scale().name().equals("quick") ? 5_000 : 250_000;
        context.progress(id(), "starting etcd and allocator-server; " + BASE_LEASES + " leases as the base");
        try (BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-250k"));
                AllocatorProcess server = AllocatorProcess.start(context, "250k", etcd.endpoint(), PREFIX)) {
            try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), 4)) {
                clients.get(0).setConfig(NETWORK.json(), false);
                LeaseLoad.acquire(clients, NETWORK, "held", 0, BASE_LEASES, 16, done -> {});
            }
            server.restart();
            Point few = measure(context, server, etcd, BASE_LEASES);
            context.progress(
                    id(), String.format(Locale.ROOT, "server stopped; writing %,d leases straight into etcd", leases));
            double[] fillSeconds = new double[1];
            server.restart(List.of(), () -> {
                long filling = System.nanoTime();
                EtcdLeaseFill.fill(
                        etcd.endpoint(),
                        PREFIX,
                        NETWORK,
                        IPV4_NETWORK,
                        SUBNET_LENGTH,
                        "fill",
                        200_000,
                        leases - BASE_LEASES,
                        done -> context.progress(id(), "  " + done + " written"));
                fillSeconds[0] = (System.nanoTime() - filling) / 1e9;
            });
            Point many = measure(context, server, etcd, leases);
            report(report, few, many, fillSeconds[0]);
        }
        nodeStart(context, report, leases);
    }

    /** Just after a restart (the server loaded every lease from etcd): its heap, then acquisitions timed. */
    private Point measure(BenchContext context, AllocatorProcess server, BenchEtcd etcd, int leases) throws Exception {
        long startMillis = server.startToReady().toMillis();
        Heap heap = Heap.of(server);
        context.progress(
                id(),
                String.format(
                        Locale.ROOT,
                        "%,d leases: ready in %d ms, heap %s; timing %d acquisitions",
                        leases,
                        startMillis,
                        Quantity.bytes(heap.used()),
                        context.scale().latencySamples()));
        try (RemoteJvm jvm = server.attach()) {
            RemoteJvm.Pauses pausesBefore = jvm.pauses();
            PrometheusScrape etcdBefore = etcd.metrics();
            PrometheusScrape serverBefore = server.metrics();
            Percentiles latency = AcquisitionLatency.measure(
                    server.grpcAddress(),
                    NETWORK,
                    "probe-" + leases,
                    context.scale().latencyWarmUp(),
                    context.scale().latencySamples());
            PrometheusScrape etcdDuring = etcd.metrics().minus(etcdBefore);
            PrometheusScrape serverDuring = server.metrics().minus(serverBefore);
            double txns = serverDuring.sum("weft_etcd_request_seconds_count", "operation=\"txn\"");
            Beside beside = new Beside(
                    jvm.pauses().minus(pausesBefore),
                    etcdDuring.quantile("etcd_disk_backend_commit_duration_seconds", 0.99),
                    etcdDuring.quantile("etcd_disk_wal_fsync_duration_seconds", 0.99),
                    txns == 0
                            ? 0
                            : serverDuring.sum("weft_etcd_request_seconds_sum", "operation=\"txn\"") * 1e3 / txns);
            return new Point(leases, startMillis, heap, latency, beside);
        }
    }

    private static void report(FigureReport report, Point few, Point many, double fillSeconds) {
        String versus = String.format(Locale.ROOT, "%,d vs %,d leases held, /8 in /26s", many.leases(), few.leases());
        report.row(
                "p50 acquisition latency, " + versus,
                Quantity.millis(many.latency().p50() / 1e6),
                Quantity.millis(few.latency().p50() / 1e6),
                Goal.report("-"));
        report.row(
                "p99 acquisition latency, " + versus,
                Quantity.millis(many.latency().p99() / 1e6),
                Quantity.millis(few.latency().p99() / 1e6),
                Goal.ratioAtMost(1.2));
        int added = many.leases() - few.leases();
        report.row(
                String.format(
                        Locale.ROOT, "allocator-server heap per lease, %,d leases loaded from etcd", many.leases()),
                Quantity.bytes((many.heap().used() - few.heap().used()) / (double) added),
                null,
                Goal.atMost(1024, "<= 1 KiB"));
        report.row(
                String.format(Locale.ROOT, "allocator-server start to ready, %,d leases in etcd", many.leases()),
                Quantity.millis(many.startMillis()),
                Quantity.millis(few.startMillis()),
                Goal.atMost(10_000, "<= 10 s"));
        report.note(String.format(
                Locale.ROOT,
                "%,d leases written straight into etcd in %.1f s (lease key, node claim and address claims per"
                        + " lease, 32 leases a transaction, 250 to a shared etcd lease). Used heap after GC %s with"
                        + " %,d leases, %s with %,d. Per lease by class (GC.class_histogram after minus before): %s."
                        + " Acquisition p50/p99/max: %.2f/%.2f/%.2f ms at %,d leases, %.2f/%.2f/%.2f ms at %,d.",
                added,
                fillSeconds,
                Quantity.bytes(few.heap().used()),
                few.leases(),
                Quantity.bytes(many.heap().used()),
                many.leases(),
                perLeaseByClass(few.heap(), many.heap(), added),
                few.latency().p50() / 1e6,
                few.latency().p99() / 1e6,
                few.latency().max() / 1e6,
                few.leases(),
                many.latency().p50() / 1e6,
                many.latency().p99() / 1e6,
                many.latency().max() / 1e6,
                many.leases()));
        report.note(String.format(
                Locale.ROOT,
                "While the acquisitions (and their releases) were timed: at %,d leases, %s; at %,d, %s.",
                few.leases(),
                few.beside().describe(),
                many.leases(),
                many.beside().describe()));
    }

    /** One weft-node started into the network, built again on an etcd inside a fresh namespace. */
    private void nodeStart(BenchContext context, FigureReport report, int leases) throws Exception {
        String measure = String.format(Locale.ROOT, "weft-node start to subnet.env, %,d leases", leases);
        String unavailable = BenchNamespace.unavailableReason();
        if (unavailable != null) {
            report.skipped(measure, unavailable, Goal.report("report"));
            return;
        }
        Path work = context.newDirectory("node-250k");
        context.progress(id(), "a network namespace with etcd, " + leases + " leases and allocator-server inside");
        Map<String, String> result;
        try (BenchNamespace namespace = BenchNamespace.create();
                ChildProcess probe = ChildProcess.start(
                        namespace.exec(context.javaCommand(
                                LargeNetworkNodeProbeMain.class.getName(),
                                List.of(),
                                List.of(
                                        Integer.toString(leases),
                                        context.repo().resolve("bin/weft-node").toString(),
                                        work.toString()))),
                        context.work().resolve("node-probe-250k.log"),
                        line -> context.progress(id(), line))) {
            result = probe.awaitResult(600);
        }
        report.row(
                measure,
                Quantity.millis(Long.parseLong(result.get("node_subnet_env_ms"))),
                null,
                Goal.report("report"));
        report.note(String.format(
                Locale.ROOT,
                "In the namespace: %,d leases written into its etcd in %s ms, allocator-server start to ready %s ms,"
                        + " then weft-node (bin/weft-node, vxlan) from process start to subnet.env %s ms.",
                leases,
                result.get("fill_ms"),
                result.get("server_ready_ms"),
                result.get("node_subnet_env_ms")));
    }

    private static String perLeaseByClass(Heap before, Heap after, int leases) {
        return after.byClass().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.byClass().getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(CLASSES_SHOWN)
                .map(e -> String.format(Locale.ROOT, "%s %.0f B", e.getKey(), e.getValue() / (double) leases))
                .collect(Collectors.joining(", "));
    }
}
