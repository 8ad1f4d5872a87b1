package io.weft.node.agent;

import io.weft.node.backend.SkippedPeer;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator which peers are left out: one line per pass whose skipped set changed
 * (never one per peer: a node facing thousands of bad leases would write thousands of lines),
 * with counts by kind and a few examples.
 */
final class SkipReport {

    private static final Logger LOG = LoggerFactory.getLogger(SkipReport.class);

    private final NodeMetrics metrics;
    private Set<SkippedPeer> skipped = Set.of();

    SkipReport(NodeMetrics metrics) {
        this.metrics = metrics;
    }

    /** The peers left out of the latest desired state. */
    void note(Set<SkippedPeer> now) {
        Set<SkippedPeer> before = skipped;
        long fresh = now.stream().filter(skip -> !before.contains(skip)).count();
        metrics.skipped(now.size(), fresh);
        skipped = now;
        if (fresh == 0 && now.size() == before.size()) {
            return;
        }
        if (now.isEmpty()) {
            LOG.info("no peer skipped any more");
            return;
        }
        LOG.warn(summary(now, fresh));
    }

    static String summary(Set<SkippedPeer> now, long fresh) {
        Map<String, Long> byKind = new TreeMap<>();
        now.forEach(skip -> byKind.merge(skip.kind(), 1L, Long::sum));
        StringBuilder line = new StringBuilder("skipping ")
                .append(now.size())
                .append(now.size() == 1 ? " peer" : " peers")
                .append(" (")
                .append(fresh)
                .append(" new): ");
        line.append(String.join(
                ", ",
                byKind.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey())
                        .toList()));
        line.append("; e.g. ")
                .append(String.join(
                        "; ",
                        now.stream()
                                .map(SkippedPeer::toString)
                                .sorted()
                                .limit(3)
                                .toList()));
        return line.toString();
    }
}
