package io.weft.bench.figures;

import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.lab.AllocatorProcess;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.ChildProcess;
import io.weft.bench.lab.LeaseLoad;
import io.weft.bench.lab.RemoteJvm;
import io.weft.bench.lab.WeftClientPool;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Issue 13, section 2: many idle watchers on one allocator-server. A client process apart from
 * the server opens 10,000 WatchLeases streams, 100 to a connection, and waits until every one
 * has its snapshot; the server's used heap after GC (read inside its JVM over JMX) is compared
 * with the same reading before any watcher connected, and a class histogram diff says where
 * the difference goes. Then leases are acquired one at a time, paced, and every watcher must
 * receive every ADDED event: the missing ones are counted, and the delay from AcquireLease
 * returning to each watcher's event is reported (a direct etcd watch in the same process,
 * timed the same way, gives context).
 *
 * <p>Sizes: 10,000 watchers and 20 timed acquisitions; {@code --quick}: 500 and 10.
 */
public final class IdleWatchersFigure implements Figure {

    private static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_24;
    private static final String PREFIX = "/bench/watchers";
    private static final int EXISTING_LEASES = 100;
    private static final int CLASSES_SHOWN = 6;
    /**
     * Two events a second: each is 10,000 messages, and on 2 shared cores a faster pace measures
     * how far the backlog grows (at 10 a second, p99 was ~31 s, the direct etcd watch in the same
     * process ~7 s) rather than how long one event takes to reach every watcher.
     */
    private static final long PACE_MS = 500;

    /** Watchers, streams per connection, timed acquisitions. */
    private record Size(int watchers, int perChannel, int acquisitions) {
        static Size of(String scale) {
            return scale.equals("quick") ? new Size(500, 50, 10) : new Size(10_000, 100, 20);
        }
    }

    /** Live heap and live bytes per class at one moment. */
    private record Heap(long used, int threads, Map<String, Long> byClass) {
        static Heap of(AllocatorProcess server) throws Exception {
            try (RemoteJvm jvm = server.attach()) {
                RemoteJvm.Memory memory = jvm.memory();
                return new Heap(memory.heapUsedAfterGc(), memory.threads(), jvm.liveBytesByClass());
            }
        }
    }

    @Override
    public String id() {
        return "watchers";
    }

    @Override
    public String title() {
        return "Idle watchers: server heap per watcher and every event to every watcher at 10,000 gRPC watchers";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        Size size = Size.of(context.scale().name());
        context.progress(id(), "starting etcd and allocator-server; " + EXISTING_LEASES + " leases held");
        try (BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-watchers"));
                AllocatorProcess server = AllocatorProcess.start(context, "watchers", etcd.endpoint(), PREFIX)) {
            try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), 4)) {
                clients.get(0).setConfig(NETWORK.json(), false);
                LeaseLoad.acquire(clients, NETWORK, "held", 0, EXISTING_LEASES, 16, done -> {});
            }
            Heap idle = Heap.of(server);
            context.progress(id(), "heap with no watcher " + Quantity.bytes(idle.used()) + "; opening watchers");
            Map<String, String> result;
            Heap watched;
            long openMillis;
            try (ChildProcess client = WatchClientProcess.start(
                    context,
                    id(),
                    server.grpcAddress(),
                    size.watchers(),
                    List.of(
                            "--streams-per-channel",
                            Integer.toString(size.perChannel()),
                            "--pause",
                            "--etcd",
                            etcd.endpoint(),
                            "--subnets-prefix",
                            PREFIX + "/subnets/",
                            "--warm-up",
                            "10",
                            "--acquisitions",
                            Integer.toString(size.acquisitions()),
                            "--pace-ms",
                            Long.toString(PACE_MS)))) {
                long opening = System.nanoTime();
                client.awaitReady(300);
                openMillis = (System.nanoTime() - opening) / 1_000_000;
                watched = Heap.of(server);
                context.progress(
                        id(),
                        String.format(
                                Locale.ROOT,
                                "%,d watchers open in %d ms; heap %s; timing %d acquisitions",
                                size.watchers(),
                                openMillis,
                                Quantity.bytes(watched.used()),
                                size.acquisitions()));
                client.tell("go");
                result = client.awaitResult(180 + size.acquisitions() * 2L * PACE_MS / 1000);
            }
            report(report, size, idle, watched, openMillis, result);
        }
    }

    private static void report(
            FigureReport report, Size size, Heap idle, Heap watched, long openMillis, Map<String, String> result) {
        String shape = String.format(
                Locale.ROOT, "%,d idle gRPC watchers, %d per connection", size.watchers(), size.perChannel());
        report.row(
                "allocator-server heap per watcher, " + shape,
                Quantity.bytes((watched.used() - idle.used()) / (double) size.watchers()),
                null,
                Goal.atMost(16 * 1024, "<= 16 KiB"));
        long expected = (long) size.watchers() * size.acquisitions();
        report.row(
                "ADDED events missing, " + size.acquisitions() + " acquisitions x " + shape,
                Quantity.count(Long.parseLong(value(result, "weft_missing"))),
                null,
                Goal.atMost(0, "0"));
        report.row(
                "p99 delay AcquireLease -> ADDED, " + shape + " vs 1 etcd watch",
                micros(result, "weft_p99_us"),
                micros(result, "direct_p99_us"),
                Goal.report("(report)"));
        report.note(String.format(
                Locale.ROOT,
                "Server used heap after GC: %s with no watcher, %s with %,d (%d threads before, %d after); the"
                        + " watchers opened and got their snapshots (%d leases each) in %d ms. Per watcher by class"
                        + " (GC.class_histogram with minus without): %s.",
                Quantity.bytes(idle.used()),
                Quantity.bytes(watched.used()),
                size.watchers(),
                idle.threads(),
                watched.threads(),
                EXISTING_LEASES,
                openMillis,
                perWatcherByClass(idle, watched, size.watchers())));
        report.note(String.format(
                Locale.ROOT,
                "%d timed acquisitions, one every %d ms, after 10 warm-up: %s of %,d events received, p50 %.2f ms,"
                        + " p99 %.2f ms, max %.2f ms from AcquireLease returning (%s watch streams failed); from"
                        + " AcquireLease sent, p99 %.2f ms. Direct etcd watch: p50 %.2f ms, p99 %.2f ms from the"
                        + " return. Watchers, the etcd watch and the acquiring client share one JVM apart from the"
                        + " server's.",
                size.acquisitions(),
                PACE_MS,
                value(result, "weft_samples"),
                expected,
                micros(result, "weft_p50_us").value(),
                micros(result, "weft_p99_us").value(),
                micros(result, "weft_max_us").value(),
                value(result, "watch_failures"),
                micros(result, "weft_sent_p99_us").value(),
                micros(result, "direct_p50_us").value(),
                micros(result, "direct_p99_us").value()));
    }

    private static String perWatcherByClass(Heap before, Heap after, int watchers) {
        return after.byClass().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.byClass().getOrDefault(e.getKey(), 0L)))
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(CLASSES_SHOWN)
                .map(e -> String.format(Locale.ROOT, "%s %.0f B", e.getKey(), e.getValue() / (double) watchers))
                .collect(Collectors.joining(", "));
    }

    private static String value(Map<String, String> result, String key) {
        String value = result.get(key);
        if (value == null) {
            throw new IllegalStateException("the watcher process reported no " + key + ": " + result);
        }
        return value;
    }

    private static Quantity micros(Map<String, String> result, String key) {
        return Quantity.millis(Long.parseLong(value(result, key)) / 1000.0);
    }
}
