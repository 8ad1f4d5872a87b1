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
import io.weft.bench.lab.ProcessCpu;
import io.weft.bench.lab.WeftClientPool;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figure 4: watch fan-out. A client process apart from the server opens 1,000 gRPC lease
 * watches (one connection each) and one direct etcd watch on the lease keys; it then acquires
 * leases one at a time, paced, and times from each AcquireLease returning to each watcher
 * receiving the ADDED event. The direct etcd watch, measured the same way in the same process,
 * is the baseline.
 */
public final class WatchFanoutFigure implements Figure {

    private static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_24;
    private static final String PREFIX = "/bench/fig4";
    private static final int EXISTING_LEASES = 100;

    @Override
    public String id() {
        return "4";
    }

    @Override
    public String title() {
        return "Watch fan-out: AcquireLease return to ADDED event at 1,000 gRPC watchers vs a direct etcd watch";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        int watchers = context.scale().watchers();
        int acquisitions = context.scale().fanoutAcquisitions();
        long pace = context.scale().fanoutPace().toMillis();
        context.progress(id(), "starting etcd and allocator-server; " + EXISTING_LEASES + " leases held");
        try (BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-fig4"));
                AllocatorProcess server = AllocatorProcess.start(context, "fig4", etcd.endpoint(), PREFIX)) {
            try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), 4)) {
                clients.get(0).setConfig(NETWORK.json(), false);
                LeaseLoad.acquire(clients, NETWORK, "held", 0, EXISTING_LEASES, 16, done -> {});
            }
            Map<String, String> result;
            ProcessCpu.Used cpu;
            int warmUp = Math.max(10, acquisitions / 4);
            try (ChildProcess client = WatchClientProcess.start(
                    context,
                    id(),
                    server.grpcAddress(),
                    watchers,
                    List.of(
                            "--etcd",
                            etcd.endpoint(),
                            "--subnets-prefix",
                            PREFIX + "/subnets/",
                            "--warm-up",
                            Integer.toString(warmUp),
                            "--acquisitions",
                            Integer.toString(acquisitions),
                            "--pace-ms",
                            Long.toString(pace)))) {
                client.awaitReady(180);
                // From the watches being open to the last event: the warm-up's acquisitions and the timed ones.
                ProcessCpu.Measured<Map<String, String>> measured = new ProcessCpu()
                        .process("allocator-server", server::pid)
                        .process("watchers' JVM", client::pid)
                        .measure(() -> client.awaitResult(120 + acquisitions * 2L * pace / 1000));
                result = measured.result();
                cpu = measured.cpu();
            }
            report.row(
                    "p50 delay AcquireLease -> ADDED, " + watchers + " gRPC watchers vs 1 etcd watch",
                    micros(result, "weft_p50_us"),
                    micros(result, "direct_p50_us"),
                    Goal.report("-"));
            report.row(
                    "p99 delay AcquireLease -> ADDED, " + watchers + " gRPC watchers vs 1 etcd watch",
                    micros(result, "weft_p99_us"),
                    micros(result, "direct_p99_us"),
                    Goal.ratioAtMost(2.0));
            report.row(
                    "p99 delay from AcquireLease sent -> ADDED, " + watchers + " gRPC watchers vs 1 etcd watch",
                    micros(result, "weft_sent_p99_us"),
                    micros(result, "direct_sent_p99_us"),
                    Goal.report("(context)"));
            report.note(String.format(
                    Locale.ROOT,
                    "%d timed acquisitions, one every %d ms, after a warm-up; weft:"
                            + " %s delays (%s missing, %s negative: the event overtook the response), max %.2f ms,"
                            + " %s watch streams failed; direct etcd watch: %s delays (%s missing, %s negative), max"
                            + " %.2f ms.",
                    acquisitions,
                    pace,
                    result.get("weft_samples"),
                    result.get("weft_missing"),
                    result.get("weft_early"),
                    micros(result, "weft_max_us").value(),
                    result.get("watch_failures"),
                    result.get("direct_samples"),
                    result.get("direct_missing"),
                    result.get("direct_early"),
                    micros(result, "direct_max_us").value()));
            report.note(String.format(
                    Locale.ROOT,
                    "Counted from AcquireLease sent instead: weft p50 %.2f ms, p99"
                            + " %.2f ms; direct etcd watch p50 %.2f ms, p99 %.2f ms. etcd notifies its watchers when the"
                            + " transaction is applied, before allocator-server's response reaches the client, so the"
                            + " direct watch's delay from the response is near or below zero; the 2x goal then asks"
                            + " that the fan-out to every watcher finish about when the response arrives.",
                    micros(result, "weft_sent_p50_us").value(),
                    micros(result, "weft_sent_p99_us").value(),
                    micros(result, "direct_sent_p50_us").value(),
                    micros(result, "direct_sent_p99_us").value()));
            report.note("Watchers, the etcd watch and the acquiring client share one JVM apart from the server's,"
                    + " so both ends of each delay are read from the same monotonic clock; on 2 cores the client"
                    + " process, allocator-server and etcd compete for the CPU.");
            long events = (long) (warmUp + acquisitions) * watchers;
            report.note("CPU time per event delivered to one watcher, from the watches being open to the last"
                    + " event (" + (warmUp + acquisitions) + " acquisitions, each an event for " + watchers
                    + " watchers, and the pacing's idle time): "
                    + cpu.perOperation(events, "allocator-server", "watchers' JVM", "etcd")
                    + "; per acquisition, sending and receiving its event at every watcher: "
                    + cpu.perOperation(warmUp + acquisitions, "allocator-server", "watchers' JVM")
                    + ".");
        }
    }

    private static Quantity micros(Map<String, String> result, String key) {
        String value = result.get(key);
        if (value == null) {
            throw new IllegalStateException("the watcher process reported no " + key + ": " + result);
        }
        return Quantity.millis(Long.parseLong(value) / 1000.0);
    }
}
