package io.weft.bench.lab;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * CPU time used by the processes of a figure (user + system, as the kernel counts it), read
 * before and after a measured window: which process a throughput figure is paying for. The
 * processes are named, and their ids asked afresh at each reading (a restarted server is a new
 * process).
 */
public final class ProcessCpu {

    /** CPU time per process over one or more windows. */
    public record Used(Map<String, Duration> byProcess) {
        public static final Used NONE = new Used(Map.of());

        /** Both readings' time, process by process. */
        public Used plus(Used other) {
            Map<String, Duration> sum = new LinkedHashMap<>(byProcess);
            other.byProcess.forEach((name, time) -> sum.merge(name, time, Duration::plus));
            return new Used(Map.copyOf(sum));
        }

        /** "clients 120 µs, etcd 310 µs, ... (total 700 µs)" per operation, in the given order. */
        public String perOperation(long operations, String... order) {
            if (operations <= 0) {
                return "no operations";
            }
            StringBuilder text = new StringBuilder();
            long total = 0;
            for (String name : order) {
                long micros = byProcess.getOrDefault(name, Duration.ZERO).toNanos() / 1_000 / operations;
                total += micros;
                text.append(text.isEmpty() ? "" : ", ")
                        .append(name)
                        .append(' ')
                        .append(micros)
                        .append(" µs");
            }
            return text + " (total " + total + " µs)";
        }
    }

    private final Map<String, LongSupplier> pids = new LinkedHashMap<>();

    /** Follows this process (the bench JVM, where the clients run) under the given name. */
    public ProcessCpu self(String name) {
        long pid = ProcessHandle.current().pid();
        return process(name, () -> pid);
    }

    /** Follows the process whose id the supplier gives at each reading. */
    public ProcessCpu process(String name, LongSupplier pid) {
        pids.put(name, pid);
        return this;
    }

    /** Runs the window and answers the CPU time each process used meanwhile. */
    public <T> Measured<T> measure(Window<T> window) throws Exception {
        Map<String, Duration> before = read();
        T result = window.run();
        Map<String, Duration> after = read();
        Map<String, Duration> used = new LinkedHashMap<>();
        after.forEach((name, time) -> used.put(name, time.minus(before.getOrDefault(name, Duration.ZERO))));
        return new Measured<>(result, new Used(Map.copyOf(used)));
    }

    /** A measured window's own result and the CPU it cost. */
    public record Measured<T>(T result, Used cpu) {}

    /** What runs while the CPU is metered. */
    @FunctionalInterface
    public interface Window<T> {
        T run() throws Exception;
    }

    private Map<String, Duration> read() {
        Map<String, Duration> times = new LinkedHashMap<>();
        pids.forEach((name, pid) -> times.put(
                name,
                ProcessHandle.of(pid.getAsLong())
                        .flatMap(handle -> handle.info().totalCpuDuration())
                        .orElse(Duration.ZERO)));
        return times;
    }
}
