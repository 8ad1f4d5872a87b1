package io.weft.faults;

import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

/** The outcome of a run: counts for the summary line and the checker's findings. */
public record FaultSuiteResult(
        long operations,
        Map<Fault, Integer> faults,
        HistoryChecker.Result check,
        long leasesLost,
        Duration elapsed,
        long seed) {

    public int violations() {
        return check.total();
    }

    public int faultsInjected() {
        return faults.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Whether every kind of fault was injected at least {@code times} times. */
    public boolean everyFaultInjected(int times) {
        return faults.size() == Fault.values().length
                && faults.values().stream().allMatch(n -> n >= times);
    }

    /** The one summary line, e.g. {@code fault-suite: 48213 operations, 27 faults (kill-server 6, ...), 0 violations, 612 s}. */
    public String summaryLine() {
        String byKind = faults.entrySet().stream()
                .map(e -> e.getKey().label() + " " + e.getValue())
                .collect(Collectors.joining(", "));
        return "fault-suite: " + operations + " operations, " + faultsInjected() + " faults (" + byKind + "), "
                + violations() + " violations, " + elapsed.toSeconds() + " s";
    }
}
