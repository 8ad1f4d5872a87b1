package io.weft.bench.jmh;

import io.weft.allocator.alloc.AcquireIntent;
import io.weft.allocator.alloc.Choice;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.alloc.SubnetAllocator;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.VtepData;
import io.weft.config.ConfigException;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Allocator selection: {@link SubnetAllocator#choose} over a {@link LeaseIndex} holding 100 or
 * 60,000 leases, in an IPv4 /8 of /24s (65,535 subnets) or an IPv6 /32 of /64s (2^32 subnets).
 * The leases sit on subnets drawn at random from the first 65,536 of the space, so the free set
 * is as fragmented as churn would leave it. {@code newNode} is a node without a lease (a free
 * subnet is picked, then handed back so every call sees the same index); {@code existingNode}
 * is a node that holds one (found by name and reused). Figure 2's goal, applied to selection
 * alone: the 60,000 figure within 1.2x of the 100 one.
 *
 * <p>Run, after {@code ./mvnw -q install -DskipTests} (JAVA_HOME = a JDK 25):
 * <pre>
 *   java -cp "bench/target/classes:$(cat bench/target/runtime-classpath.txt)" \
 *       org.openjdk.jmh.Main AllocatorSelectionBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class AllocatorSelectionBenchmark {

    static final String IPV4_NETWORK = """
            {"Network": "10.0.0.0/8", "SubnetLen": 24, "Backend": {"Type": "vxlan"}}""";
    static final String IPV6_NETWORK = """
            {"EnableIPv4": false, "EnableIPv6": true, "IPv6Network": "fd00::/32", "IPv6SubnetLen": 64,
             "Backend": {"Type": "vxlan"}}""";
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final int INTENTS = 1 << 10;

    @Param({"100", "60000"})
    public int leases;

    @Param({"ipv4", "ipv6"})
    public String space;

    private LeaseIndex index;
    private SubnetAllocator allocator;
    private final AcquireIntent[] newcomers = new AcquireIntent[INTENTS];
    private final AcquireIntent[] holders = new AcquireIntent[INTENTS];
    private int next;

    @Setup
    public void loadIndex() throws ConfigException {
        boolean v6 = space.equals("ipv6");
        String json = v6 ? IPV6_NETWORK : IPV4_NETWORK;
        SubnetSpace subnets = (v6
                        ? NetworkConfig.parse(json).ipv6()
                        : NetworkConfig.parse(json).ipv4())
                .orElseThrow();
        SplittableRandom random = new SplittableRandom(42);
        long[] taken = distinctIndexes(leases, Math.min(subnets.size(), 1 << 16), random);
        List<StoredLease> stored = new ArrayList<>(leases);
        for (int i = 0; i < leases; i++) {
            IpPrefix subnet = subnets.subnetAt(taken[i]);
            SubnetKey key = v6 ? new SubnetKey(null, subnet) : SubnetKey.ipv4Only(subnet);
            VtepData vtep =
                    new VtepData(1, String.format("0a:00:00:%02x:%02x:%02x", i >> 16, (i >> 8) & 0xff, i & 0xff));
            LeaseValue value = new LeaseValue(
                    v6 ? "" : publicIpv4(i),
                    v6 ? publicIpv6(i) : "",
                    "vxlan",
                    v6 ? null : vtep,
                    v6 ? vtep : null,
                    "node-" + i);
            stored.add(new StoredLease(key, value, 1_000 + i, 2 + i));
        }
        index = new LeaseIndex(Duration.ofMinutes(5));
        Optional<String> problem =
                index.reset(new Snapshot(2L + leases, Optional.of(new StoredConfig(json, 1)), stored, List.of()));
        if (problem.isPresent() || index.size() != leases) {
            throw new IllegalStateException("the index did not load: " + problem.orElse(index.size() + " leases"));
        }
        allocator = new SubnetAllocator(new SplittableRandom(7));
        for (int i = 0; i < INTENTS; i++) {
            int newcomer = leases + i;
            newcomers[i] =
                    new AcquireIntent("node-" + newcomer, v6 ? publicIpv6(newcomer) : publicIpv4(newcomer), null, null);
            int holder = random.nextInt(leases);
            holders[i] = new AcquireIntent("node-" + holder, v6 ? publicIpv6(holder) : publicIpv4(holder), null, null);
        }
        // Checked once here so a broken set-up cannot pass for a fast benchmark.
        if (!(newNode() instanceof Choice.Create) || !(existingNode() instanceof Choice.Reuse)) {
            throw new IllegalStateException("the allocator did not create for a newcomer and reuse for a holder");
        }
    }

    /** A node without a lease: a free subnet is chosen, then handed back. */
    @Benchmark
    public Choice newNode() {
        Choice choice = allocator.choose(newcomers[next++ & (INTENTS - 1)], index, NOW);
        if (choice instanceof Choice.Create create) {
            index.returnUnused(create.subnet().primary());
        }
        return choice;
    }

    /** A node that holds a lease: found by name, reused. */
    @Benchmark
    public Choice existingNode() {
        return allocator.choose(holders[next++ & (INTENTS - 1)], index, NOW);
    }

    /** {@code count} distinct numbers below {@code bound}, in random order (a partial Fisher-Yates shuffle). */
    static long[] distinctIndexes(int count, long bound, SplittableRandom random) {
        long[] all = new long[Math.toIntExact(bound)];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        for (int i = 0; i < count; i++) {
            int j = i + random.nextInt(all.length - i);
            long swap = all[i];
            all[i] = all[j];
            all[j] = swap;
        }
        return Arrays.copyOf(all, count);
    }

    private static String publicIpv4(int n) {
        return "192.168." + ((n >> 8) & 0xff) + "." + (n & 0xff);
    }

    private static String publicIpv6(int n) {
        return "fd77::" + Integer.toHexString(n >> 16) + ":" + Integer.toHexString(n & 0xffff);
    }
}
