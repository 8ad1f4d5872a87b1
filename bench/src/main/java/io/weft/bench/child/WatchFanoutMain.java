package io.weft.bench.child;

import io.weft.api.v1.Lease;
import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.Percentiles;
import io.weft.client.ServerAddress;
import io.weft.client.WeftClient;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The client process of figures 3 and 4, a JVM apart from the server's: opens {@code --watchers}
 * gRPC lease watches (one connection each) and, for figure 4, one direct etcd watch; waits for
 * every snapshot and prints {@code ready}. With {@code --hold} it then waits for {@code stop} on
 * stdin (figure 3 reads etcd's watch count meanwhile); with {@code --pause} it waits for a line
 * on stdin and then measures (the idle-watchers figure reads the server's heap meanwhile).
 * {@code --streams-per-channel N} puts N watch streams on each connection. Otherwise it acquires {@code --acquisitions}
 * leases one at a time, {@code --pace-ms} apart, and times, per watcher, the delay from
 * AcquireLease returning to the ADDED event arriving. The acquiring client runs in this process,
 * so both ends of every delay come from the same {@link System#nanoTime()} clock.
 *
 * <p>Prints {@code result weft_p50_us=... direct_p99_us=...}, delays from AcquireLease returning;
 * they may be negative when an event overtakes the response. {@code weft_sent_*} and
 * {@code direct_sent_*} are the same delays counted from when AcquireLease was sent.
 */
public final class WatchFanoutMain {

    private WatchFanoutMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = options(args);
        ServerAddress server = ServerAddress.parse(options.get("--server"));
        int watchers = Integer.parseInt(options.get("--watchers"));
        int perChannel = Integer.parseInt(options.getOrDefault("--streams-per-channel", "1"));
        say("progress opening " + watchers + " gRPC watch streams on " + server + ", " + perChannel
                + " per connection");
        try (WatcherFleet fleet = new WatcherFleet(server.host(), server.port(), watchers, perChannel);
                DirectEtcdWatch direct = options.containsKey("--etcd")
                        ? new DirectEtcdWatch(options.get("--etcd"), options.get("--subnets-prefix"))
                        : null) {
            if (!fleet.awaitSnapshots(120)) {
                throw new IllegalStateException(fleet.snapshotsPending() + " watchers got no snapshot within 120 s;"
                        + " failures " + fleet.failures() + ", first: " + fleet.firstFailure());
            }
            say("ready");
            if (options.containsKey("--hold")) {
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
            } else {
                if (options.containsKey("--pause")) {
                    new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
                }
                measure(options, server, fleet, direct);
            }
        }
        System.exit(0);
    }

    private static void measure(
            Map<String, String> options, ServerAddress server, WatcherFleet fleet, DirectEtcdWatch direct)
            throws InterruptedException {
        int watchers = fleet.size();
        int warmUp = Integer.parseInt(options.getOrDefault("--warm-up", "0"));
        int acquisitions = Integer.parseInt(options.get("--acquisitions"));
        long paceNanos = Long.parseLong(options.get("--pace-ms")) * 1_000_000;
        say("progress " + watchers + " watchers ready; " + warmUp + " warm-up then " + acquisitions
                + " timed acquisitions, one every " + paceNanos / 1_000_000 + " ms");
        acquire(server, "warm-up", 600_000, warmUp, paceNanos);
        Acquired timed = acquire(server, "fanout", 500_000, acquisitions, paceNanos);
        awaitDelivery(fleet, direct, timed.returnedAt(), 30);
        say("result " + weftDelays("weft", fleet, timed.returnedAt())
                + " " + directDelays("direct", direct, timed.returnedAt())
                + " " + weftDelays("weft_sent", fleet, timed.sentAt())
                + " " + directDelays("direct_sent", direct, timed.sentAt()) + " watch_failures=" + fleet.failures());
    }

    /** When each AcquireLease was sent and when it returned, by the subnet it answered. */
    private record Acquired(Map<String, Long> sentAt, Map<String, Long> returnedAt) {}

    /** Acquires {@code count} leases one at a time, {@code paceNanos} apart. */
    private static Acquired acquire(ServerAddress server, String names, int firstNode, int count, long paceNanos) {
        Acquired acquired = new Acquired(new HashMap<>(), new HashMap<>());
        BenchNetwork network = BenchNetwork.IPV4_8_IN_24;
        try (WeftClient client = WeftClient.connect(List.of(server))) {
            long next = System.nanoTime();
            for (int i = 0; i < count; i++) {
                LockSupport.parkNanos(next - System.nanoTime());
                long sent = System.nanoTime();
                Lease lease = client.acquire(network.request(names + "-" + i, firstNode + i))
                        .getLease();
                acquired.returnedAt().put(lease.getSubnet(), System.nanoTime());
                acquired.sentAt().put(lease.getSubnet(), sent);
                next += paceNanos;
            }
        }
        return acquired;
    }

    private static void awaitDelivery(
            WatcherFleet fleet, DirectEtcdWatch direct, Map<String, Long> expected, int seconds)
            throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < deadline) {
            boolean all = direct == null || direct.createdAt().keySet().containsAll(expected.keySet());
            for (int w = 0; all && w < fleet.size(); w++) {
                all = fleet.addedAt(w).keySet().containsAll(expected.keySet());
            }
            if (all) {
                return;
            }
            Thread.sleep(50);
        }
    }

    /** Every watcher's delay, in microseconds, from {@code reference} (by subnet) to its ADDED event. */
    private static String weftDelays(String name, WatcherFleet fleet, Map<String, Long> reference) {
        long[] delays = new long[fleet.size() * reference.size()];
        int n = 0;
        for (int w = 0; w < fleet.size(); w++) {
            for (Map.Entry<String, Long> event : fleet.addedAt(w).entrySet()) {
                Long from = reference.get(event.getKey());
                if (from != null) {
                    delays[n++] = (event.getValue() - from) / 1_000;
                }
            }
        }
        return summary(name, java.util.Arrays.copyOf(delays, n), delays.length - n);
    }

    private static String directDelays(String name, DirectEtcdWatch direct, Map<String, Long> reference) {
        if (direct == null) {
            return "";
        }
        long[] delays = reference.entrySet().stream()
                .filter(e -> direct.createdAt().containsKey(e.getKey()))
                .mapToLong(e -> (direct.createdAt().get(e.getKey()) - e.getValue()) / 1_000)
                .toArray();
        return summary(name, delays, reference.size() - delays.length);
    }

    private static String summary(String name, long[] micros, int missing) {
        if (micros.length == 0) {
            return name + "_samples=0 " + name + "_missing=" + missing;
        }
        Percentiles p = Percentiles.of(micros);
        long early = java.util.Arrays.stream(micros).filter(d -> d < 0).count();
        return String.format(
                Locale.ROOT,
                "%1$s_p50_us=%2$d %1$s_p99_us=%3$d %1$s_max_us=%4$d %1$s_samples=%5$d"
                        + " %1$s_missing=%6$d %1$s_early=%7$d",
                name,
                p.p50(),
                p.p99(),
                p.max(),
                p.count(),
                missing,
                early);
    }

    private static void say(String line) {
        System.out.println(line);
        System.out.flush();
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            boolean flag = i + 1 >= args.length || args[i + 1].startsWith("--");
            options.put(args[i], flag ? "true" : args[++i]);
        }
        return options;
    }
}
