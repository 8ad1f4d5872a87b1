package io.weft.bench.figures;

import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.child.NodeStartProbeMain;
import io.weft.bench.lab.BenchNamespace;
import io.weft.bench.lab.NamespaceProbe;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figure 6, node side: a real weft-node ({@code bin/weft-node}) in a network namespace of its
 * own, against an allocator-server (with its own etcd) already running in that namespace. Time
 * from process start to {@code /readyz} 200 with no peers and with 5,000, and the agent's
 * resident memory (VmRSS) with 5,000 vxlan peers programmed. Needs root; skipped otherwise.
 */
public final class NodeAgentFigure implements Figure {

    /** What a third start runs with, to show what heap settings would do to resident memory. */
    private static final String TUNED_FLAGS = "-XX:+UseSerialGC -Xmx64m";

    @Override
    public String id() {
        return "6";
    }

    @Override
    public String title() {
        return "Memory and start-up: weft-node";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        int peers = context.scale().nodePeers();
        String rssMeasure = String.format(Locale.ROOT, "weft-node resident memory, %,d peers programmed", peers);
        String startMeasure = "weft-node start to /readyz 200, no peers";
        String startPeersMeasure = String.format(Locale.ROOT, "weft-node start to /readyz 200, %,d peers", peers);
        String unavailable = BenchNamespace.unavailableReason();
        if (unavailable != null) {
            report.skipped(rssMeasure, unavailable, Goal.atMost(128 * 1024 * 1024, "<= 128 MiB"));
            report.skipped(startMeasure, unavailable, Goal.report("report"));
            report.skipped(startPeersMeasure, unavailable, Goal.report("report"));
            return;
        }
        Path work = context.newDirectory("node");
        context.progress(id(), "creating a network namespace; allocator-server and its etcd inside it");
        Map<String, String> result;
        result = NamespaceProbe.run(
                context,
                id(),
                work,
                "fig6-node",
                NodeStartProbeMain.class,
                List.of(
                        Integer.toString(peers),
                        context.repo().resolve("bin/weft-node").toString(),
                        work.toString(),
                        TUNED_FLAGS),
                600);
        long rssKib = Long.parseLong(result.get("rss_kib"));
        report.row(rssMeasure, Quantity.bytes(rssKib * 1024.0), null, Goal.atMost(128 * 1024 * 1024, "<= 128 MiB"));
        report.row(
                startMeasure,
                Quantity.millis(Long.parseLong(result.get("start_empty_ms"))),
                null,
                Goal.report("report"));
        report.row(
                startPeersMeasure,
                Quantity.millis(Long.parseLong(result.get("start_peers_ms"))),
                null,
                Goal.report("report"));
        report.note(String.format(
                Locale.ROOT,
                "weft-node (vxlan) in namespace %s with eth0 %s; at ready with %s"
                        + " peers the kernel held %s weft routes, %s permanent neighbours and %s FDB entries on"
                        + " flannel.1. VmRSS read 2 s after ready: %,d KiB; peak (VmHWM) %,d KiB.",
                "wbench-*",
                BenchNamespace.NODE_ADDRESS,
                result.get("peers"),
                result.get("routes"),
                result.get("neighbours"),
                result.get("fdb"),
                rssKib,
                Long.parseLong(result.get("hwm_kib"))));
        report.note(String.format(
                Locale.ROOT,
                "Where the resident memory goes, as the agent's JVM reports it (JMX):"
                        + " heap committed %,d KiB (live after GC %,d KiB), non-heap committed %,d KiB, %s threads;"
                        + " bin/weft-node runs the JVM with SerialGC, a 128 MiB heap cap (30,000 peers need more"
                        + " than 64), C1 only with one compiler thread, a 16 MiB code cache, 256 KiB stacks, one Netty"
                        + " event loop and two malloc arenas (WEFT_NODE_JAVA_OPTS overrides the JVM flags).",
                Long.parseLong(result.get("heap_committed_kib")),
                Long.parseLong(result.get("heap_live_kib")),
                Long.parseLong(result.get("nonheap_committed_kib")),
                result.get("threads")));
        report.note(String.format(
                Locale.ROOT,
                "The same agent started a third time with JAVA_TOOL_OPTIONS=\"%s\":"
                        + " ready in %,d ms with %s routes; VmRSS 2 s after ready %,d KiB.",
                TUNED_FLAGS,
                Long.parseLong(result.get("start_tuned_ms")),
                result.get("routes_tuned"),
                Long.parseLong(result.get("rss_tuned_kib"))));
        report.note("Start times are from launching bin/weft-node (the script finds the JDK, then execs the JVM) to"
                + " the first /readyz 200, polled every 10 ms: lease held, subnet.env written, first full sync"
                + " applied. The no-peer run comes first, on a fresh namespace; flannel.1 is deleted before each"
                + " later run so every start begins from an empty kernel state.");
    }
}
