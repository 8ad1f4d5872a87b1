package io.weft.bench.figures;

import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.child.NodeSubnetFileProbeMain;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.BenchNamespace;
import io.weft.bench.lab.NamespaceProbe;
import io.weft.bench.lab.ReleaseFolder;
import io.weft.bench.lab.ShortCommand;
import io.weft.testsupport.LaunchedProcess;
import io.weft.testsupport.LoopbackPorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figure 7 (issue 12's start-up goals), from the release folder that {@code ./mvnw package}
 * builds, each program with the ahead-of-time cache trained at build time and, for "before",
 * from a view of the same folder without the caches; runs alternate between the two.
 *
 * <ul>
 *   <li>{@code weftctl leases} against a running allocator with no leases, wall time of the
 *       whole command (launcher script included), against {@code etcdctl get --prefix} of the
 *       same keys in the same etcd;
 *   <li>weft-allocator start to {@code /readyz} 200 against an external etcd;
 *   <li>weft-node start to {@code subnet.env} written on an empty network, in a network
 *       namespace (root only).
 * </ul>
 *
 * The daemons' baseline is the JVM floor: {@code java -version} of the release's runtime, timed
 * in the same run. flanneld (35-45 ms to its subnet file in the lab) is not installed here.
 */
public final class StartupFigure implements Figure {

    private static final Duration READY_WITHIN = Duration.ofSeconds(120);
    private static final String PREFIX = "/coreos.com/network";

    @Override
    public String id() {
        return "7";
    }

    @Override
    public String title() {
        return "Start-up: weftctl, weft-allocator, weft-node from the release";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        int rounds = context.scale().startupRounds();
        ReleaseFolder release = ReleaseFolder.in(context.repo());
        ReleaseFolder plain = release.withoutCaches(context.newDirectory("release-without-caches"));
        for (String program : List.of("weftctl", "weft-allocator", "weft-node")) {
            if (!release.hasCache(program)) {
                report.note(program + " has no AOT cache in " + release.root().getFileName()
                        + " (the build could not train it): its 'AOT cache' rows start without one.");
            }
        }
        context.progress(id(), "JVM floor: java -version of the release's runtime, " + rounds + " runs");
        long floor = ShortCommand.of(release.java().toString(), "-version").medianMillis(rounds);

        try (BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-startup"))) {
            context.progress(id(), "weft-allocator start to /readyz over an external etcd, " + rounds + " rounds");
            long[] allocatorCached = new long[rounds];
            long[] allocatorPlain = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                allocatorCached[i] = allocatorReadyMillis(release, etcd, context, "cached");
                allocatorPlain[i] = allocatorReadyMillis(plain, etcd, context, "plain");
            }
            report.row(
                    "weft-allocator start to /readyz, external etcd, AOT cache (baseline: java -version)",
                    Quantity.millis(ShortCommand.median(allocatorCached)),
                    Quantity.millis(floor),
                    Goal.atMost(1000, "<= 1 s"));
            report.row(
                    "weft-allocator start to /readyz, external etcd, no cache (baseline: java -version)",
                    Quantity.millis(ShortCommand.median(allocatorPlain)),
                    Quantity.millis(floor),
                    Goal.report("before"));
            weftctlRows(release, plain, etcd, context, report, rounds);
        }
        nodeRows(release, plain, context, report, rounds, floor);
        report.note(String.format(
                Locale.ROOT,
                "Start-up (figure 7): medians of %d runs each, the cached and cache-less runs alternating; wall time"
                        + " from starting the launcher script (a shell that execs the release's java) to exit,"
                        + " /readyz 200 (polled every 10 ms) or subnet.env existing (polled every 1 ms). JVM floor:"
                        + " `java -version` of the same runtime, %d ms. flanneld's 35-45 ms to its subnet file is"
                        + " the issue's figure from its own lab; flanneld is not installed here.",
                rounds,
                floor));
    }

    private static long allocatorReadyMillis(ReleaseFolder release, BenchEtcd etcd, BenchContext context, String name)
            throws Exception {
        int http = LoopbackPorts.free();
        long started = System.nanoTime();
        try (LaunchedProcess allocator = startAllocator(release, etcd, LoopbackPorts.free(), http, context, name)) {
            allocator.awaitReady(http, READY_WITHIN);
            long millis = (System.nanoTime() - started) / 1_000_000;
            allocator.stop(Duration.ofSeconds(30));
            return millis;
        }
    }

    private static LaunchedProcess startAllocator(
            ReleaseFolder release, BenchEtcd etcd, int grpc, int http, BenchContext context, String name)
            throws Exception {
        return LaunchedProcess.start(
                List.of(
                        release.launcher("weft-allocator").toString(),
                        "--etcd-endpoints",
                        etcd.endpoint(),
                        "--listen",
                        "127.0.0.1:" + grpc,
                        "--http-listen",
                        "127.0.0.1:" + http),
                context.work().resolve("allocator-fig7-" + name + ".log"));
    }

    private void weftctlRows(
            ReleaseFolder release,
            ReleaseFolder plain,
            BenchEtcd etcd,
            BenchContext context,
            FigureReport report,
            int rounds)
            throws Exception {
        int grpc = LoopbackPorts.free();
        int http = LoopbackPorts.free();
        try (LaunchedProcess allocator = startAllocator(release, etcd, grpc, http, context, "weftctl")) {
            allocator.awaitReady(http, READY_WITHIN);
            String server = "127.0.0.1:" + grpc;
            Path config = Files.writeString(
                    context.newDirectory("net-conf").resolve("net-conf.json"),
                    "{\"Network\": \"10.244.0.0/16\", \"Backend\": {\"Type\": \"vxlan\"}}");
            ShortCommand.of(
                            release.launcher("weftctl").toString(),
                            "--server",
                            server,
                            "config",
                            "set",
                            config.toString())
                    .millis();
            ShortCommand cached = ShortCommand.of(release.launcher("weftctl").toString(), "--server", server, "leases");
            ShortCommand uncached = ShortCommand.of(plain.launcher("weftctl").toString(), "--server", server, "leases");
            ShortCommand etcdctl =
                    ShortCommand.of("etcdctl", "--endpoints", etcd.endpoint(), "get", "--prefix", PREFIX);
            context.progress(id(), "weftctl leases (cached, no cache) and etcdctl get --prefix, " + rounds + " rounds");
            long[] cachedMillis = new long[rounds];
            long[] uncachedMillis = new long[rounds];
            long[] etcdctlMillis = new long[rounds];
            for (int i = 0; i < rounds; i++) {
                cachedMillis[i] = cached.millis();
                uncachedMillis[i] = uncached.millis();
                etcdctlMillis[i] = etcdctl.millis();
            }
            Quantity baseline = Quantity.millis(ShortCommand.median(etcdctlMillis));
            report.row(
                    "weftctl leases, empty server, AOT cache (baseline: etcdctl get --prefix)",
                    Quantity.millis(ShortCommand.median(cachedMillis)),
                    baseline,
                    Goal.atMost(250, "<= 0.25 s"));
            report.row(
                    "weftctl leases, empty server, no cache (baseline: etcdctl get --prefix)",
                    Quantity.millis(ShortCommand.median(uncachedMillis)),
                    baseline,
                    Goal.report("before"));
            allocator.stop(Duration.ofSeconds(30));
        }
    }

    private void nodeRows(
            ReleaseFolder release,
            ReleaseFolder plain,
            BenchContext context,
            FigureReport report,
            int rounds,
            long floor)
            throws Exception {
        String cachedMeasure = "weft-node start to subnet.env, empty network, AOT cache (baseline: java -version)";
        String plainMeasure = "weft-node start to subnet.env, empty network, no cache (baseline: java -version)";
        String unavailable = BenchNamespace.unavailableReason();
        if (unavailable != null) {
            report.skipped(cachedMeasure, unavailable, Goal.atMost(500, "<= 0.5 s"));
            report.skipped(plainMeasure, unavailable, Goal.report("before"));
            return;
        }
        Path work = context.newDirectory("node-startup");
        context.progress(id(), "weft-node start to subnet.env in a network namespace, " + rounds + " rounds");
        Map<String, String> result;
        result = NamespaceProbe.run(
                context,
                id(),
                work,
                "fig7-node",
                NodeSubnetFileProbeMain.class,
                List.of(
                        release.launcher("weft-node").toString(),
                        plain.launcher("weft-node").toString(),
                        work.toString(),
                        Integer.toString(rounds)),
                900);
        report.row(
                cachedMeasure,
                Quantity.millis(Long.parseLong(result.get("node_aot_ms"))),
                Quantity.millis(floor),
                Goal.atMost(500, "<= 0.5 s"));
        report.row(
                plainMeasure,
                Quantity.millis(Long.parseLong(result.get("node_plain_ms"))),
                Quantity.millis(floor),
                Goal.report("before"));
        report.note("weft-node to subnet.env, each run (ms): with the cache " + result.get("node_aot_all")
                + "; without " + result.get("node_plain_all") + ".");
    }
}
