package io.weft.bench.figures;

import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.lab.AllocatorProcess;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.LeaseLoad;
import io.weft.bench.lab.RemoteJvm;
import io.weft.bench.lab.WeftClientPool;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Figure 6, server side: allocator-server heap per lease. Used heap after GC is read inside the
 * server's JVM (JMX) with a few hundred leases held and again after 65,536 more were acquired
 * through the API, 64 in flight; and the same two after restarts, when the server loaded the
 * leases from etcd instead. Per lease = the difference / 65,536. A class histogram at each point
 * says where the difference goes.
 */
public final class ServerMemoryFigure implements Figure {

    private static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_25;
    private static final int BASE_LEASES = 256;
    private static final int CLASSES_SHOWN = 6;

    @Override
    public String id() {
        return "6";
    }

    @Override
    public String title() {
        return "Memory and start-up: allocator-server heap per lease";
    }

    /** Live heap and live bytes per class at one moment. */
    private record Heap(long used, Map<String, Long> byClass) {
        static Heap of(AllocatorProcess server) throws Exception {
            try (RemoteJvm jvm = server.attach()) {
                return new Heap(jvm.memory().heapUsedAfterGc(), jvm.liveBytesByClass());
            }
        }
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        int leases = context.scale().heapLeases();
        context.progress(id(), "starting etcd and allocator-server; " + BASE_LEASES + " leases as the base");
        try (BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-fig6"));
                AllocatorProcess server = AllocatorProcess.start(context, "fig6", etcd.endpoint(), "/bench/fig6")) {
            try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), 16)) {
                clients.get(0).setConfig(NETWORK.json(), false);
                LeaseLoad.acquire(clients, NETWORK, "base", 0, BASE_LEASES, 64, done -> {});
            }
            Heap baseLive = Heap.of(server);
            server.restart();
            Heap baseLoaded = Heap.of(server);
            context.progress(
                    id(),
                    String.format(
                            Locale.ROOT,
                            "base heap %s (live), %s (restarted); acquiring %,d" + " leases, 64 in flight",
                            Quantity.bytes(baseLive.used()),
                            Quantity.bytes(baseLoaded.used()),
                            leases));
            long started = System.nanoTime();
            try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), 16)) {
                // Numbered after the base nodes: one host (public IP, VTEP MAC) holds one lease.
                LeaseLoad.acquire(
                        clients,
                        NETWORK,
                        "node",
                        BASE_LEASES,
                        leases,
                        64,
                        done -> context.progress(id(), "  " + done + " of " + leases + " acquired"));
            }
            double seconds = (System.nanoTime() - started) / 1e9;
            Heap live = Heap.of(server);
            server.restart();
            Heap loaded = Heap.of(server);
            String held = String.format(Locale.ROOT, "%,d leases", leases);
            report.row(
                    "allocator-server heap per lease, " + held + " (acquired live)",
                    Quantity.bytes((live.used() - baseLive.used()) / (double) leases),
                    null,
                    Goal.atMost(1024, "<= 1 KiB"));
            report.row(
                    "allocator-server heap per lease, " + held + " (restarted, loaded from etcd)",
                    Quantity.bytes((loaded.used() - baseLoaded.used()) / (double) leases),
                    null,
                    Goal.atMost(1024, "<= 1 KiB"));
            report.note(String.format(
                    Locale.ROOT,
                    "Used heap after GC: %s with %d leases and %s with %,d more"
                            + " acquired live (in %.1f s, %,.0f/s); after restarts %s and %s (start to ready with"
                            + " all of them: %d ms). Network %s.",
                    Quantity.bytes(baseLive.used()),
                    BASE_LEASES,
                    Quantity.bytes(live.used()),
                    leases,
                    seconds,
                    leases / seconds,
                    Quantity.bytes(baseLoaded.used()),
                    Quantity.bytes(loaded.used()),
                    server.startToReady().toMillis(),
                    NETWORK.json()));
            report.note("Per lease by class, acquired live (GC.class_histogram after minus before): "
                    + perLeaseByClass(baseLive, live, leases) + ".");
            report.note("Per lease by class, restarted and loaded from etcd: "
                    + perLeaseByClass(baseLoaded, loaded, leases) + ".");
        }
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
