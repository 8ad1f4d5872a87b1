package io.weft.node.agent;

import io.weft.node.dataplane.ChangeFailure;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator which kernel changes the kernel refused: one line when the refused set
 * changes (never one per change: a node starting into a network of thousands of peers its kernel
 * cannot route would write thousands of lines, and again at every reconcile), with counts by
 * reason and a few examples; one line when every change goes through again.
 */
final class RefusalReport {

    private static final Logger LOG = LoggerFactory.getLogger(RefusalReport.class);
    private static final int EXAMPLES = 3;

    private Set<String> refused = Set.of();

    /** The changes the kernel refused in the latest reconcile (none when it took them all). */
    void note(List<ChangeFailure> failures) {
        Set<String> now =
                failures.stream().map(failure -> failure.change().toString()).collect(Collectors.toSet());
        if (now.equals(refused)) {
            return;
        }
        Set<String> before = refused;
        refused = now;
        if (now.isEmpty()) {
            LOG.info("the kernel took every change again ({} refused before)", before.size());
            return;
        }
        LOG.warn(summary(
                failures,
                now.stream().filter(change -> !before.contains(change)).count()));
    }

    static String summary(List<ChangeFailure> failures, long fresh) {
        Map<String, Long> byReason = new TreeMap<>();
        failures.forEach(failure -> byReason.merge(failure.reason(), 1L, Long::sum));
        return "the kernel refused " + failures.size() + (failures.size() == 1 ? " change" : " changes") + " ("
                + fresh + " new): "
                + byReason.entrySet().stream()
                        .map(e -> e.getValue() + " " + e.getKey())
                        .collect(Collectors.joining(", "))
                + "; e.g. "
                + failures.stream()
                        .map(failure -> failure.change() + ": " + failure.reason())
                        .sorted()
                        .limit(EXAMPLES)
                        .collect(Collectors.joining("; "))
                + "; retrying at every reconcile";
    }
}
