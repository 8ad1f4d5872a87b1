package io.weft.bench.dataplane;

import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Figure 5, the data plane: 5,000 vxlan peers (a neighbour, an FDB entry and a route each,
 * 15,000 objects) applied inside a fresh network namespace through node-sync's netlink path
 * ({@code VxlanBackend.desired} + {@code Reconciler.reconcile} on a {@code NetlinkDataplane}),
 * against {@code ip -batch} + {@code bridge -batch} applying the same objects in a second fresh
 * namespace in the same run. Also a reconcile with nothing changed (goal: at most 10% of the
 * apply) and the removal of every peer. Each figure is the median of several rounds after
 * warm-up rounds (see {@link DataplaneRun}); the quick scale runs fewer rounds, never fewer
 * peers.
 *
 * <p>Needs root, iproute2 with {@code ip netns} and a kernel with vxlan; elsewhere its rows are
 * skipped with the reason. The namespaces are deleted however the run ends. Run it alone with
 * {@code bench/run --only 5} (as root, after the README's build).
 */
public final class DataplaneFigure implements Figure {

    public static final int PEERS = 5_000;
    static final int WARM_UP_ROUNDS = 2;
    static final int QUICK_ROUNDS = 3;
    static final int FULL_ROUNDS = 7;

    static final String APPLY = "apply 5,000 vxlan peers (15,000 objects), objects/s";
    static final String UNCHANGED = "reconcile 5,000 peers, nothing changed (baseline: weft's apply)";
    static final String REMOVAL = "remove 5,000 peers (15,000 objects), objects/s";
    private static final Goal APPLY_GOAL = Goal.ratioAtLeast(1.0);
    private static final Goal UNCHANGED_GOAL = Goal.ratioAtMost(0.1);
    private static final Goal REMOVAL_GOAL = Goal.report("report");

    @Override
    public String id() {
        return "5";
    }

    @Override
    public String title() {
        return "data plane: 5,000 vxlan peers through netlink vs ip/bridge -batch";
    }

    @Override
    public void run(BenchContext context, FigureReport report) {
        Optional<String> unavailable = BenchNamespace.unavailableReason();
        if (unavailable.isPresent()) {
            report.skipped(APPLY, unavailable.get(), APPLY_GOAL);
            report.skipped(UNCHANGED, unavailable.get(), UNCHANGED_GOAL);
            report.skipped(REMOVAL, unavailable.get(), REMOVAL_GOAL);
            return;
        }
        int rounds = "quick".equals(context.scale().name()) ? QUICK_ROUNDS : FULL_ROUNDS;
        Timings timings = DataplaneRun.measure(PEERS, WARM_UP_ROUNDS, rounds, step -> context.progress(id(), step));
        report(timings, report);
    }

    static void report(Timings timings, FigureReport report) {
        report.row(
                APPLY,
                Quantity.perSecond(timings.objectsPerSecond(timings.weftApply())),
                Quantity.perSecond(timings.objectsPerSecond(timings.baselineApply())),
                APPLY_GOAL);
        report.row(
                UNCHANGED,
                Quantity.nanosAsMillis(Timings.median(timings.weftUnchanged()).toNanos()),
                Quantity.nanosAsMillis(Timings.median(timings.weftApply()).toNanos()),
                UNCHANGED_GOAL);
        report.row(
                REMOVAL,
                Quantity.perSecond(timings.objectsPerSecond(timings.weftRemoval())),
                Quantity.perSecond(timings.objectsPerSecond(timings.baselineRemoval())),
                REMOVAL_GOAL);
        report.note(String.format(
                Locale.ROOT,
                "Figure 5: medians of %d rounds after %d warm-up rounds, %,d objects"
                        + " each. weft is timed from the leases to the kernel's last acknowledgement (desired state,"
                        + " list, diff, batched netlink apply); the baseline from the start of `ip -batch` to the"
                        + " exit of `bridge -batch` on pre-written files. Every apply is read back and must equal"
                        + " the desired objects. Samples (ms): weft apply %s, unchanged %s, removal %s;"
                        + " ip/bridge -batch apply %s, removal %s.",
                timings.weftApply().size(),
                WARM_UP_ROUNDS,
                timings.objects(),
                samples(timings.weftApply()),
                samples(timings.weftUnchanged()),
                samples(timings.weftRemoval()),
                samples(timings.baselineApply()),
                samples(timings.baselineRemoval())));
    }

    private static String samples(List<Duration> samples) {
        return samples.stream()
                .map(d -> String.format(Locale.ROOT, "%.1f", Timings.millis(d)))
                .collect(Collectors.joining(" ", "[", "]"));
    }
}
