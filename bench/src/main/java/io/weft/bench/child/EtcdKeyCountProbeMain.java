package io.weft.bench.child;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.Txn;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.weft.bench.lab.BenchEtcd;
import io.weft.bench.lab.Percentiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;

/**
 * An experiment for the 250k figure's note, not a figure: does etcd's transaction time at
 * 250,000 leases come from the number of keys (4 per lease: the lease and its three claims) or
 * from the data? Each run starts a fresh etcd and fills it either with 1,000,000 keys of 100 B
 * (today's layout) or with 250,000 keys of 400 B (the same bytes, the claims inside the lease's
 * value), 250 leases' keys per etcd lease as the server's buckets hold them. Then it times
 * transactions at 1 in flight of the two shapes: today's acquisition (compare 4 keys absent, put
 * 4) and one with the claims in the value (compare 1, put 1). An empty etcd is the baseline. It
 * also times reading every filled key back in pages, as a starting server loads them.
 *
 * <p>Run, after {@code ./mvnw -q install -DskipTests}:
 * <pre>
 *   java -cp "bench/target/classes:$(cat bench/target/runtime-classpath.txt)" \
 *       io.weft.bench.child.EtcdKeyCountProbeMain /tmp/etcd-key-count
 * </pre>
 */
public final class EtcdKeyCountProbeMain {

    private static final int TIMED = 2_000;
    private static final int WARM_UP = 300;
    private static final int KEYS_PER_TXN = 100;
    private static final int TXNS_IN_FLIGHT = 16;
    /** Pages of about 2 MB of values, far below the client's 4 MiB message limit, as the server sizes its own. */
    private static final int READ_PAGE_BYTES = 2_000_000;

    private EtcdKeyCountProbeMain() {}

    public static void main(String[] args) throws Exception {
        Path work = Files.createDirectories(Path.of(args[0]));
        probe(work.resolve("empty"), "empty etcd", 0, 0, 0);
        probe(work.resolve("million"), "1,000,000 keys of 100 B", 1_000_000, 100, 1_000);
        probe(work.resolve("quarter"), "250,000 keys of 400 B", 250_000, 400, 250);
        System.exit(0);
    }

    private static void probe(Path dataDir, String name, int keys, int valueBytes, int keysPerEtcdLease)
            throws Exception {
        try (BenchEtcd etcd = BenchEtcd.start(dataDir);
                Client client = Client.builder().endpoints(etcd.endpoint()).build()) {
            long started = System.nanoTime();
            fill(client, keys, valueBytes, keysPerEtcdLease);
            long filled = (System.nanoTime() - started) / 1_000_000;
            client.getKVClient().get(bytes("/probe/none")).get(); // the client's connection, not timed
            long readStarted = System.nanoTime();
            long read = readAll(client.getKVClient(), READ_PAGE_BYTES / Math.max(1, valueBytes));
            long readMs = (System.nanoTime() - readStarted) / 1_000_000;
            long lease = client.getLeaseClient().grant(24 * 3600).get().getID();
            Percentiles four = timed(client.getKVClient(), lease, 4, 100, "four");
            Percentiles one = timed(client.getKVClient(), lease, 1, 400, "one");
            System.out.printf(
                    Locale.ROOT,
                    "%s (filled in %d ms, %d keys read back in %d ms): 4 keys per acquisition p50 %.2f ms"
                            + " p99 %.2f ms; 1 key p50 %.2f ms p99 %.2f ms%n",
                    name,
                    filled,
                    read,
                    readMs,
                    four.p50() / 1e6,
                    four.p99() / 1e6,
                    one.p50() / 1e6,
                    one.p99() / 1e6);
        }
    }

    private static void fill(Client client, int keys, int valueBytes, int keysPerEtcdLease) throws Exception {
        ByteSequence value = ByteSequence.from(new byte[valueBytes]);
        Semaphore inFlight = new Semaphore(TXNS_IN_FLIGHT);
        List<CompletableFuture<?>> pending = new ArrayList<>();
        long lease = 0;
        int leaseIndex = -1;
        for (int first = 0; first < keys; first += KEYS_PER_TXN) {
            if (first / keysPerEtcdLease != leaseIndex) {
                leaseIndex = first / keysPerEtcdLease;
                lease = client.getLeaseClient().grant(24 * 3600).get().getID();
            }
            Txn txn = client.getKVClient().txn();
            List<Op> puts = new ArrayList<>();
            for (int n = first; n < Math.min(keys, first + KEYS_PER_TXN); n++) {
                puts.add(Op.put(
                        bytes(String.format(Locale.ROOT, "/probe/fill/%08d", n)),
                        value,
                        PutOption.builder().withLeaseId(lease).build()));
            }
            inFlight.acquire();
            pending.add(txn.Then(puts.toArray(Op[]::new)).commit().whenComplete((ok, error) -> inFlight.release()));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get();
    }

    /** Reads every filled key back in pages of {@code pageKeys}, as a starting server loads them; answers the count. */
    private static long readAll(KV kv, int pageKeys) throws Exception {
        ByteSequence end = bytes("/probe/fill0");
        ByteSequence from = bytes("/probe/fill/");
        long count = 0;
        while (true) {
            GetResponse page = kv.get(
                            from,
                            GetOption.builder()
                                    .withRange(end)
                                    .withLimit(pageKeys)
                                    .build())
                    .get();
            count += page.getKvs().size();
            if (!page.isMore() || page.getKvs().isEmpty()) {
                return count;
            }
            byte[] last = page.getKvs().getLast().getKey().getBytes();
            byte[] next = Arrays.copyOf(last, last.length + 1); // the smallest key after the last one
            from = ByteSequence.from(next);
        }
    }

    /** Acquisition-shaped transactions one at a time: compare {@code width} new keys absent, put them. */
    private static Percentiles timed(KV kv, long lease, int width, int valueBytes, String tag) throws Exception {
        ByteSequence value = ByteSequence.from(new byte[valueBytes]);
        long[] nanos = new long[TIMED];
        for (int i = 0; i < WARM_UP + TIMED; i++) {
            Cmp[] absent = new Cmp[width];
            Op[] puts = new Op[width];
            for (int k = 0; k < width; k++) {
                ByteSequence key = bytes(String.format(Locale.ROOT, "/probe/%s/%08d/%d", tag, i, k));
                absent[k] = new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0));
                puts[k] = Op.put(
                        key, value, PutOption.builder().withLeaseId(lease).build());
            }
            long start = System.nanoTime();
            if (!kv.txn().If(absent).Then(puts).commit().get().isSucceeded()) {
                throw new IllegalStateException("a probe key already existed");
            }
            if (i >= WARM_UP) {
                nanos[i - WARM_UP] = System.nanoTime() - start;
            }
        }
        return Percentiles.of(nanos);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
