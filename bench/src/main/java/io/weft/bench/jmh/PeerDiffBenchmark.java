package io.weft.bench.jmh;

import io.weft.api.v1.Lease;
import io.weft.bench.dataplane.PeerFleet;
import io.weft.node.backend.DesiredState;
import io.weft.node.backend.KernelState;
import io.weft.node.backend.NodeContext;
import io.weft.node.backend.PeerLease;
import io.weft.node.backend.Reconciler;
import io.weft.node.backend.VxlanBackend;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
 * Peer diffing: {@link Reconciler#diff} of 5,000 vxlan peers (15,000 objects, the
 * {@link PeerFleet}) against a kernel that holds them all, with 1% of the peers re-created (a
 * new VTEP MAC and public IP: the neighbour changes, the FDB entry moves to the new MAC), so the
 * plan is 50 changed, 50 added, 50 removed. {@code desiredThenDiff} adds what the agent does
 * before it, {@code VxlanBackend.desired} over the leases. {@code lookUpEveryObject} is the floor
 * any diff must pay, one hash look-up of each desired object in the kernel's set, measured in the
 * same run as the baseline for the other two.
 *
 * <p>Run, after {@code ./mvnw -q install -DskipTests} (JAVA_HOME = a JDK 25):
 * <pre>
 *   java -cp "bench/target/classes:$(cat bench/target/runtime-classpath.txt)" \
 *       org.openjdk.jmh.Main PeerDiffBenchmark
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(2)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class PeerDiffBenchmark {

    @Param({"5000"})
    public int peers;

    /** Every how many peers one is re-created: 100 is 1%. */
    @Param({"100"})
    public int changedEvery;

    private final VxlanBackend backend = new VxlanBackend();
    private final NodeContext self = PeerFleet.self();
    private List<Lease> leases;
    private DesiredState desired;
    private KernelState actual;
    private Set<Object> held;

    @Setup
    public void buildStates() {
        DesiredState before = backend.desired(self, PeerLease.of(PeerFleet.peers(peers)));
        actual = new KernelState(before.routes(), before.neighbours(), before.fdb());
        leases = new ArrayList<>(peers);
        for (int n = 1; n <= peers; n++) {
            leases.add(PeerFleet.peer(n, n % changedEvery == 0 ? 1 : 0));
        }
        desired = backend.desired(self, PeerLease.of(leases));
        held = new HashSet<>(actual.routes());
        held.addAll(actual.neighbours());
        held.addAll(actual.fdb());
        int changed = peers / changedEvery;
        Reconciler.Plan plan = diff();
        if (plan.added() != changed || plan.changed() != changed || plan.removed() != changed) {
            throw new IllegalStateException("expected " + changed + " added, changed and removed, got " + plan);
        }
    }

    @Benchmark
    public Reconciler.Plan diff() {
        return Reconciler.diff(desired, actual);
    }

    @Benchmark
    public Reconciler.Plan desiredThenDiff() {
        return Reconciler.diff(backend.desired(self, PeerLease.of(leases)), actual);
    }

    @Benchmark
    public int lookUpEveryObject() {
        return present(desired.routes()) + present(desired.neighbours()) + present(desired.fdb());
    }

    private int present(Set<?> wanted) {
        int found = 0;
        for (Object object : wanted) {
            if (held.contains(object)) {
                found++;
            }
        }
        return found;
    }
}
