package io.weft.bench.figures;

import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.lab.AcquisitionLatency;
import io.weft.bench.lab.AllocatorProcess;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.LeaseLoad;
import io.weft.bench.lab.LeasePopulation;
import io.weft.bench.lab.Percentiles;
import io.weft.bench.lab.WeftClientPool;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Figure 2: acquisition latency does not grow with the leases already held, nor with the size of
 * the address space. The shared population (10.0.0.0/8 in /24s, leases acquired through the
 * server) is grown to each point; the server is restarted so that it loads them from etcd, warmed
 * up, then timed one acquisition at a time. The first point is the baseline. Then two IPv6-only
 * networks with the same number of leases, fd00::/32 in /64s (2^32 subnets) and a /56 in /64s
 * (256): latency, and the server's heap after GC, which must not depend on the space.
 */
public final class FlatCostFigure implements Figure {

    @Override
    public String id() {
        return "2";
    }

    @Override
    public String title() {
        return "Flat cost: acquisition latency against leases held and address-space size";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        int warmUp = context.scale().latencyWarmUp();
        int samples = context.scale().latencySamples();
        LeasePopulation population = context.population();
        List<LatencyChart.Point> points = new ArrayList<>();
        for (int leases : context.scale().latencyPoints()) {
            context.progress(id(), "growing the population to " + leases + " leases (64 in flight)");
            double seconds = population.growTo(leases, line -> context.progress(id(), line));
            population.server().restart();
            context.progress(
                    id(),
                    String.format(
                            Locale.ROOT,
                            "%,d leases: server restarted and ready in %d ms;" + " %d warm-up + %d timed acquisitions",
                            leases,
                            population.server().startToReady().toMillis(),
                            warmUp,
                            samples));
            Percentiles latency = AcquisitionLatency.measure(
                    population.server().grpcAddress(), LeasePopulation.NETWORK, "probe-" + leases, warmUp, samples);
            points.add(new LatencyChart.Point(leases, latency.p50() / 1e6, latency.p99() / 1e6));
            report.note(String.format(
                    Locale.ROOT,
                    "%,d leases held: p50 %.2f ms, p99 %.2f ms, max %.2f ms over %d"
                            + " acquisitions; server start to ready %d ms%s.",
                    leases,
                    latency.p50() / 1e6,
                    latency.p99() / 1e6,
                    latency.max() / 1e6,
                    samples,
                    population.server().startToReady().toMillis(),
                    seconds > 0 ? String.format(Locale.ROOT, "; growing to it took %.1f s", seconds) : ""));
        }
        LatencyChart.Point few = points.getFirst();
        LatencyChart.Point many = points.getLast();
        String versus = String.format(Locale.ROOT, "%,d vs %,d leases held", many.leases(), few.leases());
        report.row(
                "p50 acquisition latency, " + versus,
                Quantity.millis(many.p50Millis()),
                Quantity.millis(few.p50Millis()),
                Goal.ratioAtMost(1.2));
        report.row(
                "p99 acquisition latency, " + versus,
                Quantity.millis(many.p99Millis()),
                Quantity.millis(few.p99Millis()),
                Goal.ratioAtMost(1.2));
        LatencyChart.draw(
                context.chartFile(),
                String.format(
                        Locale.ROOT,
                        "%s, %d cores, %d timed acquisitions per"
                                + " point after %d warm-up; allocator-server and etcd 3.4 on one machine",
                        LocalDate.now(),
                        Runtime.getRuntime().availableProcessors(),
                        samples,
                        warmUp),
                points);
        context.progress(id(), "chart written to " + context.chartFile());

        int ipv6Leases = few.leases();
        Space large = measureSpace(context, BenchNetwork.IPV6_32_IN_64, "v6-large", ipv6Leases);
        Space small = measureSpace(context, BenchNetwork.IPV6_56_IN_64, "v6-small", ipv6Leases);
        String both = String.format(Locale.ROOT, "%,d leases each", ipv6Leases);
        report.row(
                "p50 latency, IPv6 fd00::/32 in /64s (2^32 subnets) vs IPv4 /8 in /24s, " + both,
                Quantity.millis(large.latency().p50() / 1e6),
                Quantity.millis(few.p50Millis()),
                Goal.ratioAtMost(1.2));
        report.row(
                "p99 latency, IPv6 fd00::/32 in /64s vs IPv4 /8 in /24s, " + both,
                Quantity.millis(large.latency().p99() / 1e6),
                Quantity.millis(few.p99Millis()),
                Goal.ratioAtMost(1.2));
        report.row(
                "server heap after GC, IPv6 /32 in /64s (2^32 subnets) vs /56 in /64s (256), " + both,
                Quantity.bytes(large.heapBytes()),
                Quantity.bytes(small.heapBytes()),
                Goal.ratioAtMost(1.2));
        report.note(String.format(
                Locale.ROOT,
                "IPv6 /56 in /64s: p50 %.2f ms, p99 %.2f ms. Heap is read inside the"
                        + " server's JVM over JMX (attach, MemoryMXBean.gc(), least used heap of 3 collections) after"
                        + " a restart that loaded the leases from etcd.",
                small.latency().p50() / 1e6,
                small.latency().p99() / 1e6));
    }

    private record Space(Percentiles latency, long heapBytes) {}

    /** A fresh etcd and server on {@code network}, {@code leases} held, restarted: heap, then latency. */
    private Space measureSpace(BenchContext context, BenchNetwork network, String name, int leases) throws Exception {
        context.progress(id(), name + ": etcd, allocator-server, " + leases + " leases on " + network.json());
        try (BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-fig2-" + name));
                AllocatorProcess server =
                        AllocatorProcess.start(context, "fig2-" + name, etcd.endpoint(), "/bench/fig2-" + name)) {
            try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), 8)) {
                clients.get(0).setConfig(network.json(), false);
                LeaseLoad.acquire(clients, network, "held", 0, leases, 64, done -> {});
            }
            server.restart();
            long heap = server.heapUsedAfterGc();
            context.progress(id(), name + ": heap after GC " + Quantity.bytes(heap) + "; timing acquisitions");
            Percentiles latency = AcquisitionLatency.measure(
                    server.grpcAddress(),
                    network,
                    "probe",
                    context.scale().latencyWarmUp(),
                    context.scale().latencySamples());
            return new Space(latency, heap);
        }
    }
}
