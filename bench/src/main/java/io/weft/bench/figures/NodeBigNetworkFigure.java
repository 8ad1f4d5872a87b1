package io.weft.bench.figures;

import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.child.NodeBigNetworkProbeMain;
import io.weft.bench.lab.BenchNamespace;
import io.weft.bench.lab.NamespaceProbe;
import io.weft.bench.lab.ReleaseFolder;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 13, parts 3 and 4: a real weft-node, from the release folder (its runtime and AOT
 * cache, as installed), in a network namespace of its own starting into a big network. Time from process start to {@code subnet.env} written
 * with 30,000 peers' leases in etcd, against the same start into an empty network in the same
 * run; the lines it logged by then; and its resident memory with 5,000 and 30,000 vxlan peers
 * programmed. Needs root; skipped otherwise.
 */
public final class NodeBigNetworkFigure implements Figure {

    private static final long MIB = 1024 * 1024;

    /**
     * {@code WEFT_BENCH_JVM_FLAGS=-Dweft.bench.nodestart.diagnose=DIR}: the nodes run with
     * NativeMemoryTracking (which costs memory itself) and their logs, {@code jcmd
     * VM.native_memory summary} and smaps_rollup are copied to DIR.
     */
    private static final String DIAGNOSE_PROPERTY = "weft.bench.nodestart.diagnose";

    @Override
    public String id() {
        return "nodestart";
    }

    @Override
    public String title() {
        return "weft-node starting into a big network: subnet.env, log lines, memory";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        int small = context.scale().nodePeers();
        int big = small * 6;
        String subnetMeasure =
                String.format(Locale.ROOT, "weft-node start to subnet.env, %,d peers (baseline: no peers)", big);
        String subnetAbsolute = String.format(Locale.ROOT, "weft-node start to subnet.env, %,d peers", big);
        String linesMeasure = String.format(Locale.ROOT, "lines weft-node logged from start to ready, %,d peers", big);
        String rssSmall = String.format(Locale.ROOT, "weft-node resident memory, %,d peers programmed", small);
        String rssBig = String.format(Locale.ROOT, "weft-node resident memory, %,d peers programmed", big);
        String unavailable = BenchNamespace.unavailableReason();
        if (unavailable != null) {
            report.skipped(subnetMeasure, unavailable, Goal.report("report"));
            report.skipped(subnetAbsolute, unavailable, Goal.atMost(1000, "<= 1 s"));
            report.skipped(linesMeasure, unavailable, Goal.atMost(10, "<= 10"));
            report.skipped(rssSmall, unavailable, Goal.atMost(64 * MIB, "<= 64 MiB"));
            report.skipped(rssBig, unavailable, Goal.report("report"));
            return;
        }
        Path work = context.newDirectory("node-big-network");
        context.progress(id(), "creating a network namespace; allocator-server and its etcd inside it");
        Map<String, String> result = NamespaceProbe.run(
                context,
                id(),
                work,
                "nodestart",
                NodeBigNetworkProbeMain.class,
                List.of(
                        Integer.toString(small),
                        Integer.toString(big),
                        ReleaseFolder.in(context.repo()).launcher("weft-node").toString(),
                        work.toString(),
                        System.getProperty(DIAGNOSE_PROPERTY, "-")),
                1200);
        long emptyMs = number(result, "empty_subnet_ms");
        long bigMs = number(result, "big_subnet_ms");
        report.row(subnetMeasure, Quantity.millis(bigMs), Quantity.millis(emptyMs), Goal.report("report"));
        report.row(subnetAbsolute, Quantity.millis(bigMs), null, Goal.atMost(1000, "<= 1 s"));
        report.row(
                linesMeasure,
                Quantity.count(number(result, "big_lines_ready")),
                Quantity.count(number(result, "empty_lines_ready")),
                Goal.atMost(10, "<= 10"));
        report.row(
                rssSmall,
                Quantity.bytes(number(result, "small_rss_kib") * 1024.0),
                Quantity.bytes(number(result, "empty_rss_kib") * 1024.0),
                Goal.atMost(64 * MIB, "<= 64 MiB"));
        report.row(
                rssBig,
                Quantity.bytes(number(result, "big_rss_kib") * 1024.0),
                Quantity.bytes(number(result, "empty_rss_kib") * 1024.0),
                Goal.report("report"));
        report.row(
                String.format(
                        Locale.ROOT,
                        "weft-node: %,d nodes join at once, %,d peers: until every route is programmed",
                        NodeBigNetworkProbeMain.BURST,
                        big),
                Quantity.millis(number(result, "big_burst_routes_ms")),
                Quantity.millis(number(result, "big_burst_acquired_ms")),
                Goal.report("report; baseline: the acquisitions"));
        report.note(String.format(
                Locale.ROOT,
                "Burst: %,d more nodes acquired leases (64 at a time) in %,d ms while weft-node ran with %,d peers;"
                        + " it had a route to each %,d ms after the first was asked for, after %d reconciles that"
                        + " changed the kernel, using %,d ms of CPU.",
                NodeBigNetworkProbeMain.BURST,
                number(result, "big_burst_acquired_ms"),
                big,
                number(result, "big_burst_routes_ms"),
                number(result, "big_burst_reconciles"),
                number(result, "big_burst_cpu_ms")));
        for (String tag : List.of("empty", "small", "big")) {
            report.note(String.format(
                    Locale.ROOT,
                    "%s (%s peers): subnet.env at %,d ms (%d log lines by then), /readyz 200 at %,d ms with %s"
                            + " weft routes, %d log lines by ready + 2 s; then VmRSS %,d KiB (anonymous %,d KiB,"
                            + " the rest file-backed: the JDK's libraries, jars and the CDS/AOT archive), peak %,d"
                            + " KiB, %d threads.",
                    tag,
                    tag.equals("empty") ? "0" : result.get(tag.equals("small") ? "small_peers" : "big_peers"),
                    number(result, tag + "_subnet_ms"),
                    number(result, tag + "_lines_subnet"),
                    number(result, tag + "_ready_ms"),
                    result.get(tag + "_routes"),
                    number(result, tag + "_lines_ready"),
                    number(result, tag + "_rss_kib"),
                    number(result, tag + "_anon_kib"),
                    number(result, tag + "_hwm_kib"),
                    number(result, tag + "_threads")));
        }
        report.note("Where it goes, from a diagnostic run (-Dweft.bench.nodestart.diagnose=DIR: NMT summary and"
                + " smaps) at 5,000 peers: the AOT cache mapping ~31 MiB and libjvm.so ~16 MiB resident (file-backed,"
                + " the same with no peers); heap committed ~32 MiB of which ~14 MiB live; metaspace ~11 MiB, code"
                + " cache ~7 MiB, symbols ~3 MiB, 26 threads ~2.5 MiB, class space ~2.3 MiB, direct buffers and"
                + " internal ~3 MiB. An agent with no peers already holds ~95 MiB, so 64 MiB is out of reach by"
                + " flags alone: it would take fewer classes (the HTTP server, metrics and gRPC stacks fill the AOT"
                + " cache and metaspace) or a native image. At 30,000 peers the first sync needs more than a 64 MiB"
                + " heap (it ran out of heap with the old -Xmx64m); the launchers cap it at 128 MiB.");
        report.note("Each start begins with no flannel.1 and no subnet.env, from launching the release's"
                + " bin/weft-node (the script execs the JVM) after a first start that is not counted; subnet.env is polled every millisecond, /readyz every 10 ms. The peers'"
                + " leases are acquired through the allocator 64 at a time; the node keeps its own lease between"
                + " starts, as a restarted node does.");
    }

    private static long number(Map<String, String> result, String key) {
        String value = result.get(key);
        if (value == null) {
            throw new IllegalStateException("the probe reported no " + key + ": " + result);
        }
        return Long.parseLong(value);
    }
}
