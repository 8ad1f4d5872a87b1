package io.weft.bench.figures;

import io.weft.api.v1.Lease;
import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.lab.AllocatorProcess;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.BoundedParallel;
import io.weft.bench.lab.ChildProcess;
import io.weft.bench.lab.EtcdCost;
import io.weft.bench.lab.LeaseLoad;
import io.weft.bench.lab.LeasePopulation;
import io.weft.bench.lab.PlainEtcdAcquirer;
import io.weft.bench.lab.PrometheusScrape;
import io.weft.bench.lab.WeftClientPool;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Figure 3: what weft costs etcd, read from etcd's own {@code /metrics} before and after a
 * batch of operations through the public gRPC API (the server's internals are not consulted):
 * requests per acquisition and per renewal, with the plain jetcd client's cost for the same
 * work as the baseline; etcd watches held by one server while 1,000 gRPC watchers (another
 * process) are attached; etcd leases (LeaseLeases) held for the shared 60,000-lease population.
 */
public final class EtcdCostFigure implements Figure {

    private static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_24;
    private static final Duration BASELINE_TTL = Duration.ofHours(24);
    private static final int CONNECTIONS = 16;
    private static final int WARM_UP = 200;

    @Override
    public String id() {
        return "3";
    }

    @Override
    public String title() {
        return "etcd cost per operation, from etcd's /metrics and lease list";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        context.progress(id(), "starting etcd and allocator-server");
        try (BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-fig3"));
                AllocatorProcess server = AllocatorProcess.start(context, "fig3", etcd.endpoint(), "/bench/fig3");
                WeftClientPool clients = new WeftClientPool(server.grpcAddress(), CONNECTIONS);
                PlainEtcdAcquirer baseline =
                        new PlainEtcdAcquirer(etcd.endpoint(), "/bench/fig3-baseline", BASELINE_TTL)) {
            clients.get(0).setConfig(NETWORK.json(), false);
            context.progress(id(), "warm-up: " + WARM_UP + " acquisitions and renewals on each side (not counted)");
            renew(clients, LeaseLoad.acquire(clients, NETWORK, "warm", 0, WARM_UP, 16, done -> {}), 16);
            BoundedParallel.run(WARM_UP, 16, i -> baseline.renew(baseline.acquire(i)));

            int node = WARM_UP;
            int key = WARM_UP;
            for (int inFlight : List.of(1, 16)) {
                int count = inFlight == 1
                        ? context.scale().costOperations() / 4
                        : context.scale().costOperations();
                String how = inFlight + " in flight";
                context.progress(id(), "acquisitions, " + how + ": " + count + " through weft, " + count + " baseline");
                PrometheusScrape before = etcd.metrics();
                List<Lease> leases = LeaseLoad.acquire(clients, NETWORK, "n", node, count, inFlight, done -> {});
                EtcdCost weftAcquire = EtcdCost.of(etcd.metrics().minus(before), count);
                node += count;
                long[] etcdLeases = new long[count];
                int firstKey = key;
                before = etcd.metrics();
                BoundedParallel.run(count, inFlight, i -> etcdLeases[i] = baseline.acquire(firstKey + i));
                EtcdCost baselineAcquire = EtcdCost.of(etcd.metrics().minus(before), count);
                key += count;
                report.row(
                        "etcd requests per acquisition, " + how,
                        Quantity.count(weftAcquire.requests()),
                        Quantity.count(baselineAcquire.requests()),
                        Goal.atMost(2, "<= 2"));

                context.progress(id(), "renewals, " + how + ": " + count + " through weft, " + count + " baseline");
                before = etcd.metrics();
                renew(clients, leases, inFlight);
                EtcdCost weftRenew = EtcdCost.of(etcd.metrics().minus(before), count);
                before = etcd.metrics();
                BoundedParallel.run(count, inFlight, i -> baseline.renew(etcdLeases[i]));
                EtcdCost baselineRenew = EtcdCost.of(etcd.metrics().minus(before), count);
                report.row(
                        "etcd requests per renewal, " + how,
                        Quantity.count(weftRenew.requests()),
                        Quantity.count(baselineRenew.requests()),
                        Goal.atMost(1, "<= 1"));
                report.note("Per acquisition, " + how + ": weft " + weftAcquire.describe() + "; baseline "
                        + baselineAcquire.describe() + ".");
                report.note("Per renewal, " + how + ": weft " + weftRenew.describe() + "; baseline (jetcd"
                        + " keepAliveOnce) " + baselineRenew.describe() + ".");
            }
            measureWatches(context, report, etcd, server);
        }
        measureLeases(context, report);
    }

    private void measureWatches(BenchContext context, FigureReport report, BenchEtcd etcd, AllocatorProcess server)
            throws Exception {
        int watchers = context.scale().watchers();
        PrometheusScrape alone = etcd.metrics();
        PrometheusScrape attached;
        context.progress(id(), "attaching " + watchers + " gRPC watchers from another process");
        try (ChildProcess client =
                WatchClientProcess.start(context, id(), server.grpcAddress(), watchers, List.of("--hold"))) {
            client.awaitReady(180);
            attached = etcd.metrics();
            client.tell("stop");
        }
        double held = attached.sum("etcd_debugging_mvcc_watcher_total");
        report.row(
                "etcd watches held by one server with " + watchers + " gRPC watchers",
                Quantity.count(held),
                null,
                Goal.atMost(1, "1"));
        report.note(String.format(
                Locale.ROOT,
                "etcd watchers (etcd_debugging_mvcc_watcher_total): %.0f with the"
                        + " server alone, %.0f with %d gRPC watchers attached; watch streams"
                        + " (etcd_debugging_mvcc_watch_stream_total): %.0f and %.0f. Only this server talks to"
                        + " this etcd.",
                alone.sum("etcd_debugging_mvcc_watcher_total"),
                held,
                watchers,
                alone.sum("etcd_debugging_mvcc_watch_stream_total"),
                attached.sum("etcd_debugging_mvcc_watch_stream_total")));
    }

    private void measureLeases(BenchContext context, FigureReport report) throws Exception {
        int nodes = context.scale().leasesForLeaseCount();
        LeasePopulation population = context.population();
        context.progress(id(), "etcd leases held for " + nodes + " node leases: growing the shared population");
        population.growTo(nodes, line -> context.progress(id(), line));
        int etcdLeases = population.etcd().leaseCount();
        report.row(
                String.format(Locale.ROOT, "etcd leases held for %,d node leases (LeaseLeases)", nodes),
                Quantity.count(etcdLeases),
                Quantity.count(nodes),
                Goal.report("report; fewer is better"));
        report.note(String.format(
                Locale.ROOT,
                "etcd leases are counted with etcd's LeaseLeases RPC (POST"
                        + " /v3/lease/leases) on an etcd that holds only the %,d leases, acquired through the server 64 at a"
                        + " time on %s. The baseline column is flannel's way, one etcd lease per node.",
                nodes,
                LeasePopulation.NETWORK.json()));
    }

    private static void renew(WeftClientPool clients, List<Lease> leases, int inFlight) throws Exception {
        BoundedParallel.run(
                leases.size(),
                inFlight,
                i -> clients.get(i)
                        .renew(leases.get(i).getSubnet(), leases.get(i).getNodeName()));
    }
}
