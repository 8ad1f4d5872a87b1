package io.weft.bench.dataplane;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The data-plane figure's measurements, one sample per round each.
 *
 * @param objects         objects one apply (or removal) changes: 3 per peer
 * @param weftApply       desired state + reconcile from an empty kernel, through netlink
 * @param weftUnchanged   the same reconcile again, nothing to change
 * @param weftRemoval     reconcile to no peers
 * @param baselineApply   {@code ip -batch} + {@code bridge -batch} creating the same objects
 * @param baselineRemoval the same tools deleting them
 */
record Timings(
        int objects,
        List<Duration> weftApply,
        List<Duration> weftUnchanged,
        List<Duration> weftRemoval,
        List<Duration> baselineApply,
        List<Duration> baselineRemoval) {

    Timings(int objects) {
        this(objects, new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    }

    /** The median sample (the mean of the middle two for an even count). */
    static Duration median(List<Duration> samples) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples");
        }
        List<Duration> sorted = samples.stream().sorted().toList();
        int middle = sorted.size() / 2;
        return sorted.size() % 2 == 1
                ? sorted.get(middle)
                : sorted.get(middle - 1).plus(sorted.get(middle)).dividedBy(2);
    }

    /** Objects per second at the median time of the samples. */
    double objectsPerSecond(List<Duration> samples) {
        return objects / seconds(median(samples));
    }

    static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }
}
