package io.weft.bench.figures;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.weft.bench.BenchContext;
import io.weft.bench.Figure;
import io.weft.bench.FigureReport;
import io.weft.bench.Goal;
import io.weft.bench.Quantity;
import io.weft.bench.lab.AllocatorProcess;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.BenchNetwork;
import io.weft.bench.lab.LeaseLoad;
import io.weft.bench.lab.ResumingWatchers;
import io.weft.bench.lab.WeftClientPool;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Issue 13 part 1, the reconnect storm: N watchers follow M leases on one allocator-server; the
 * server is stopped, K leases are written in etcd meanwhile (as flanneld or another replica
 * would), and a new server starts on the same etcd; every watcher then resumes from the last
 * revision it saw. Measured: bytes each resuming watcher receives against the size of the K
 * changes, and the time from the new server being ready until every watcher has caught up.
 * Baseline: the same restart with {@code --watch-replay-from-etcd=false}, the reset snapshot
 * every resuming watcher got before replay from etcd existed.
 *
 * <p>Sizes: {@code -Dweft.bench.storm=WATCHERSxLEASESxCHANGES} (bench/run passes
 * {@code WEFT_BENCH_JVM_FLAGS}); otherwise the 2000x30000x100, or 50x500x10 with
 * {@code --quick}.
 */
public final class ReconnectStormFigure implements Figure {

    private static final BenchNetwork NETWORK = BenchNetwork.IPV4_8_IN_24;
    private static final String PREFIX = "/bench/storm";
    private static final long CATCH_UP_TIMEOUT_MS = 300_000;

    /** Watchers, leases they follow, changes made while the server is down. */
    record Size(int watchers, int leases, int changes) {
        static Size of(String scale) {
            String asked = System.getProperty("weft.bench.storm");
            if (asked == null) {
                return scale.equals("quick") ? new Size(50, 500, 10) : new Size(2_000, 30_000, 100);
            }
            String[] parts = asked.split("x");
            if (parts.length != 3) {
                throw new IllegalArgumentException(
                        "weft.bench.storm must be WATCHERSxLEASESxCHANGES, e.g. 200x5000x10, got " + asked);
            }
            return new Size(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        }
    }

    /** What one restart cost the watchers. */
    private record Storm(
            double bytesPerWatcher,
            double messagesPerWatcher,
            double leasesPerWatcher,
            long resets,
            double openMillis,
            double catchUpMillis,
            double[] firstMessageMillis,
            double[] caughtUpMillis,
            boolean caughtUp) {

        String perWatcher() {
            return String.format(
                    Locale.ROOT,
                    "first message p50 %.0f ms, p99 %.0f ms; caught up p50 %.0f ms, p99 %.0f ms, last %.0f ms",
                    quantile(firstMessageMillis, 0.5),
                    quantile(firstMessageMillis, 0.99),
                    quantile(caughtUpMillis, 0.5),
                    quantile(caughtUpMillis, 0.99),
                    quantile(caughtUpMillis, 1.0));
        }

        private static double quantile(double[] sorted, double q) {
            return sorted.length == 0 ? Double.NaN : sorted[(int) Math.max(0, Math.ceil(q * sorted.length) - 1)];
        }
    }

    @Override
    public String id() {
        return "storm";
    }

    @Override
    public String title() {
        return "Reconnect storm: watchers resuming after a replica restart, replayed from etcd vs a reset snapshot";
    }

    @Override
    public void run(BenchContext context, FigureReport report) throws Exception {
        Size size = Size.of(context.scale().name());
        context.progress(id(), "starting etcd and allocator-server; acquiring " + size.leases() + " leases");
        try (BenchEtcd etcd = BenchEtcd.start(context.newDirectory("etcd-storm"));
                AllocatorProcess server = AllocatorProcess.start(context, "storm", etcd.endpoint(), PREFIX);
                Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            try (WeftClientPool clients = new WeftClientPool(server.grpcAddress(), 4)) {
                clients.get(0).setConfig(NETWORK.json(), false);
                LeaseLoad.acquire(
                        clients,
                        NETWORK,
                        "node",
                        0,
                        size.leases(),
                        32,
                        done -> context.progress(id(), done + " leases"));
            }
            try (ResumingWatchers watchers = new ResumingWatchers(size.watchers())) {
                context.progress(id(), "opening " + size.watchers() + " watchers");
                long loaded = revision(client);
                watchers.start(server.grpcAddress());
                if (!watchers.awaitRevision(loaded, CATCH_UP_TIMEOUT_MS)) {
                    throw new IllegalStateException("the watchers did not all get their first snapshot");
                }
                long[] changeBytes = new long[1];
                context.progress(id(), "restart with replay from etcd; " + size.changes() + " changes while down");
                Storm replay = storm(server, watchers, client, size, 0, List.of(), changeBytes);
                context.progress(id(), "restart with --watch-replay-from-etcd=false (baseline)");
                Storm reset = storm(
                        server, watchers, client, size, 1, List.of("--watch-replay-from-etcd=false"), new long[1]);
                report(report, size, replay, reset, changeBytes[0]);
            }
        }
    }

    private Storm storm(
            AllocatorProcess server,
            ResumingWatchers watchers,
            Client client,
            Size size,
            int round,
            List<String> flags,
            long[] changeBytes)
            throws Exception {
        long[] target = new long[1];
        server.restart(flags, () -> target[0] = writeChanges(client, size.changes(), round, changeBytes));
        long ready = System.nanoTime();
        watchers.expect(target[0]);
        double openMillis = watchers.resumeAt(server.grpcAddress());
        boolean caughtUp = watchers.awaitRevision(target[0], CATCH_UP_TIMEOUT_MS);
        double millis = (System.nanoTime() - ready) / 1e6;
        int n = watchers.size();
        return new Storm(
                (double) watchers.bytes() / n,
                (double) watchers.messages() / n,
                (double) watchers.leaseEntries() / n,
                watchers.resets(),
                openMillis,
                millis,
                watchers.millisToFirstMessage(ready),
                watchers.millisToReach(ready),
                caughtUp);
    }

    /**
     * Writes changes lease keys straight into etcd, in flannel's format, as flanneld would;
     * answers the revision of the last. changeBytes gets the keys' and values' size.
     */
    private static long writeChanges(Client client, int changes, int round, long[] changeBytes) throws Exception {
        long revision = 0;
        for (int k = 0; k < changes; k++) {
            int n = round * changes + k;
            String key = String.format(Locale.ROOT, "%s/subnets/10.%d.%d.0-24", PREFIX, 255 - n / 256, n % 256);
            String value = String.format(
                    Locale.ROOT,
                    "{\"PublicIP\":\"172.31.%d.%d\",\"BackendType\":\"vxlan\","
                            + "\"BackendData\":{\"VNI\":1,\"VtepMAC\":\"0e:00:00:00:%02x:%02x\"}}",
                    n / 256,
                    n % 256,
                    n / 256,
                    n % 256);
            changeBytes[0] += key.length() + value.length();
            revision = client.getKVClient()
                    .put(bytes(key), bytes(value))
                    .get(60, TimeUnit.SECONDS)
                    .getHeader()
                    .getRevision();
        }
        return revision;
    }

    private static long revision(Client client) throws Exception {
        return client.getKVClient()
                .get(bytes(PREFIX + "/config"))
                .get(60, TimeUnit.SECONDS)
                .getHeader()
                .getRevision();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static void report(FigureReport report, Size size, Storm replay, Storm reset, long changeBytes) {
        String shape = String.format(
                Locale.ROOT, "%,d watchers x %,d leases, %d changes", size.watchers(), size.leases(), size.changes());
        report.row(
                "bytes per resuming watcher vs the changes' etcd keys+values, " + shape,
                Quantity.bytes(replay.bytesPerWatcher()),
                Quantity.bytes(changeBytes),
                Goal.ratioAtMost(2.0));
        report.row(
                "bytes per resuming watcher, replay from etcd vs reset snapshot, " + shape,
                Quantity.bytes(replay.bytesPerWatcher()),
                Quantity.bytes(reset.bytesPerWatcher()),
                Goal.report("-"));
        report.row(
                "server ready -> every watcher caught up, replay vs reset, " + shape,
                Quantity.millis(replay.catchUpMillis()),
                Quantity.millis(reset.catchUpMillis()),
                Goal.atMost(5_000, "<= 5 s"));
        report.note(String.format(
                Locale.ROOT,
                "Per resuming watcher: with replay %.1f messages, %.1f lease entries, %d resets in all%s;"
                        + " with the reset (--watch-replay-from-etcd=false) %.1f messages, %.1f lease entries,"
                        + " %d resets%s. The %d changes were %d bytes of etcd keys and values. Watchers resume"
                        + " from the last revision they saw, each on its own connection, all from one JVM (opening"
                        + " the streams again took %.0f ms with replay, %.0f ms with the reset, included in the"
                        + " catch-up times); the server, etcd and the watchers share the machine's cores.",
                replay.messagesPerWatcher(),
                replay.leasesPerWatcher(),
                replay.resets(),
                replay.caughtUp() ? "" : " (NOT all caught up)",
                reset.messagesPerWatcher(),
                reset.leasesPerWatcher(),
                reset.resets(),
                reset.caughtUp() ? "" : " (NOT all caught up)",
                size.changes(),
                changeBytes,
                replay.openMillis(),
                reset.openMillis()));
        report.note("Each watcher's own times from the server ready: with replay " + replay.perWatcher()
                + "; with the reset " + reset.perWatcher() + ".");
    }
}
