package io.weft.bench.jmh;

import io.weft.config.ConfigException;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
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
 * Prefix math on the allocation hot path: {@link SubnetSpace#subnetAt} (index to subnet) and
 * {@link SubnetSpace#indexOf} (subnet to index) in an IPv4 /8 of /24s (65,535 subnets, flannel's
 * default SubnetMin/Max) and an IPv6 /32 of /64s (2^32 subnets), over 1,024 indexes drawn at
 * random from the whole space. Both should cost the same whatever the space's size.
 *
 * <p>Run, after {@code ./mvnw -q install -DskipTests} (JAVA_HOME = a JDK 25):
 * <pre>
 *   java -cp "bench/target/classes:$(cat bench/target/runtime-classpath.txt)" \
 *       org.openjdk.jmh.Main PrefixMathBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PrefixMathBenchmark {

    private static final int SAMPLES = 1 << 10;

    @Param({"ipv4", "ipv6"})
    public String space;

    private SubnetSpace subnets;
    private final long[] indexes = new long[SAMPLES];
    private final IpPrefix[] prefixes = new IpPrefix[SAMPLES];
    private int next;

    @Setup
    public void drawSamples() throws ConfigException {
        NetworkConfig config = NetworkConfig.parse(
                space.equals("ipv6")
                        ? AllocatorSelectionBenchmark.IPV6_NETWORK
                        : AllocatorSelectionBenchmark.IPV4_NETWORK);
        subnets = (space.equals("ipv6") ? config.ipv6() : config.ipv4()).orElseThrow();
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < SAMPLES; i++) {
            indexes[i] = random.nextLong(subnets.size());
            prefixes[i] = subnets.subnetAt(indexes[i]);
            if (subnets.indexOf(prefixes[i]) != indexes[i]) {
                throw new IllegalStateException("indexOf(subnetAt(" + indexes[i] + ")) is not " + indexes[i]);
            }
        }
    }

    @Benchmark
    public IpPrefix subnetAt() {
        return subnets.subnetAt(indexes[next++ & (SAMPLES - 1)]);
    }

    @Benchmark
    public long indexOf() {
        return subnets.indexOf(prefixes[next++ & (SAMPLES - 1)]);
    }
}
