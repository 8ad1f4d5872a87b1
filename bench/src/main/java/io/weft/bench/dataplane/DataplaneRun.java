package io.weft.bench.dataplane;

import io.weft.api.v1.Lease;
import io.weft.config.IpFamily;
import io.weft.node.backend.BackendException;
import io.weft.node.backend.DesiredState;
import io.weft.node.backend.KernelState;
import io.weft.node.backend.NodeContext;
import io.weft.node.backend.PeerLease;
import io.weft.node.backend.Reconciler;
import io.weft.node.backend.VxlanBackend;
import io.weft.node.netlink.NetlinkDataplane;
import io.weft.testsupport.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Carries out the data-plane measurements in two fresh namespaces, one per side, each with the
 * vxlan device {@link VxlanBackend#prepare} and {@link VxlanBackend#activate} make:
 * <ul>
 *   <li>weft: {@code backend.desired} over the peer leases, then {@link Reconciler#reconcile} on a
 *       {@link NetlinkDataplane} (list, diff, one batched apply), timed from the leases to the
 *       kernel's last acknowledgement; again with nothing changed; then to no peers;</li>
 *   <li>baseline: {@code ip -batch} and {@code bridge -batch} on pre-written files creating the
 *       same objects, then deleting them, timed from process start to exit.</li>
 * </ul>
 * Unmeasured warm-up rounds first (JIT, page cache), then the measured rounds, alternating
 * which side goes first. Every apply is checked to have produced exactly the desired objects
 * (read back through netlink and, in the warm-up, counted with ip and bridge) and every removal
 * to have left none, outside the timed part.
 */
final class DataplaneRun {

    private final VxlanBackend backend = new VxlanBackend();
    private final NodeContext self = PeerFleet.self();
    private final List<Lease> leases;
    private final DesiredState wanted;
    private final Consumer<String> log;

    private DataplaneRun(int peers, Consumer<String> log) {
        this.leases = PeerFleet.peers(peers);
        this.wanted = backend.desired(self, PeerLease.of(leases));
        this.log = log;
        if (!wanted.skipped().isEmpty() || objects(wanted) != peers * PeerFleet.OBJECTS_PER_PEER) {
            throw new IllegalStateException(
                    "the fleet's desired state is not 3 objects per peer: skipped " + wanted.skipped());
        }
    }

    /**
     * Measures {@code rounds} rounds of {@code peers} peers after {@code warmUps} unmeasured ones;
     * sends a progress line per round to {@code log}.
     */
    static Timings measure(int peers, int warmUps, int rounds, Consumer<String> log) {
        return new DataplaneRun(peers, log).measure(warmUps, rounds);
    }

    private Timings measure(int warmUps, int rounds) {
        Path directory = temporaryDirectory();
        try (NetworkNamespace weftSide = BenchNamespace.create();
                NetworkNamespace baselineSide = BenchNamespace.create();
                NetlinkDataplane weft = NetlinkDataplane.openIn(weftSide.file());
                NetlinkDataplane baseline = NetlinkDataplane.openIn(baselineSide.file())) {
            setUpDevice(weft);
            setUpDevice(baseline);
            IprouteBatch apply = IprouteBatch.apply(wanted, directory);
            IprouteBatch removal = IprouteBatch.removal(wanted, directory);
            log.accept(String.format(
                    Locale.ROOT,
                    "%d peers, %d objects; namespaces %s (weft) and %s" + " (ip/bridge -batch)",
                    leases.size(),
                    objects(wanted),
                    weftSide.name(),
                    baselineSide.name()));
            Timings timings = new Timings(objects(wanted));
            Timings warmUp = new Timings(objects(wanted));
            for (int round = 1 - warmUps; round <= rounds; round++) {
                Timings sink = round <= 0 ? warmUp : timings;
                boolean first = round == 1 - warmUps;
                if (Math.floorMod(round, 2) == 0) {
                    baselineRound(baseline, apply, removal, baselineSide, sink);
                    weftRound(weft, weftSide, first, sink);
                } else {
                    weftRound(weft, weftSide, first, sink);
                    baselineRound(baseline, apply, removal, baselineSide, sink);
                }
                log.accept(String.format(
                        Locale.ROOT,
                        "%s: weft apply %.0f ms, unchanged %.1f ms, removal %.0f ms;"
                                + " ip/bridge -batch apply %.0f ms, removal %.0f ms",
                        round <= 0 ? "warm-up" : "round " + round + "/" + rounds,
                        Timings.millis(sink.weftApply().getLast()),
                        Timings.millis(sink.weftUnchanged().getLast()),
                        Timings.millis(sink.weftRemoval().getLast()),
                        Timings.millis(sink.baselineApply().getLast()),
                        Timings.millis(sink.baselineRemoval().getLast())));
            }
            return timings;
        } finally {
            deleteRecursively(directory);
        }
    }

    private void setUpDevice(NetlinkDataplane dataplane) {
        try {
            backend.prepare(PeerFleet.host(), dataplane);
        } catch (BackendException e) {
            throw new IllegalStateException("vxlan backend set-up failed: " + e.getMessage(), e);
        }
        backend.activate(self, dataplane);
    }

    private void weftRound(NetlinkDataplane dataplane, NetworkNamespace namespace, boolean crossCheck, Timings sink) {
        sink.weftApply().add(timed(() -> expect(reconcile(dataplane, leases), objects(wanted), 0, "apply")));
        expectKernelHolds(dataplane, wanted, "weft's apply");
        if (crossCheck) {
            crossCheckWithIproute(namespace);
        }
        sink.weftUnchanged().add(timed(() -> expect(reconcile(dataplane, leases), 0, 0, "unchanged reconcile")));
        sink.weftRemoval().add(timed(() -> expect(reconcile(dataplane, List.of()), 0, objects(wanted), "removal")));
        expectKernelHolds(dataplane, DesiredState.none(), "weft's removal");
    }

    private void baselineRound(
            NetlinkDataplane dataplane,
            IprouteBatch apply,
            IprouteBatch removal,
            NetworkNamespace namespace,
            Timings sink) {
        sink.baselineApply().add(apply.runIn(namespace));
        expectKernelHolds(dataplane, wanted, "ip/bridge -batch apply");
        sink.baselineRemoval().add(removal.runIn(namespace));
        expectKernelHolds(dataplane, DesiredState.none(), "ip/bridge -batch removal");
    }

    /** What the agent does on a change of the peer set: desired state, then reconcile. */
    private Reconciler.Summary reconcile(NetlinkDataplane dataplane, List<Lease> peers) {
        return Reconciler.reconcile(dataplane, backend.desired(self, PeerLease.of(peers)));
    }

    private static Reconciler.Summary expect(Reconciler.Summary summary, int added, int removed, String what) {
        if (!summary.failures().isEmpty()
                || summary.added() != added
                || summary.removed() != removed
                || summary.changed() != 0) {
            throw new IllegalStateException("weft's " + what + ": expected " + added + " added and " + removed
                    + " removed, got " + summary.added() + " added, " + summary.changed() + " changed, "
                    + summary.removed() + " removed, " + summary.failures().size() + " failures "
                    + summary.failures().stream().limit(3).toList());
        }
        return summary;
    }

    /** Reads weft's objects back through netlink: they must be exactly the expected ones. */
    private void expectKernelHolds(NetlinkDataplane dataplane, DesiredState expected, String after) {
        KernelState actual = KernelState.read(dataplane, wanted.devices());
        if (!actual.routes().equals(expected.routes())
                || !actual.neighbours().equals(expected.neighbours())
                || !actual.fdb().equals(expected.fdb())) {
            throw new IllegalStateException(
                    "after " + after + " the kernel holds " + actual.routes().size()
                            + " routes, " + actual.neighbours().size() + " neighbours and "
                            + actual.fdb().size()
                            + " FDB entries, expected " + expected.routes().size() + ", "
                            + expected.neighbours().size()
                            + " and " + expected.fdb().size() + " (or some differ)");
        }
    }

    /** Counts the objects with iproute2's own listing, so weft's listing is not the only witness. */
    private void crossCheckWithIproute(NetworkNamespace namespace) {
        String device = self.host().vxlanDevice(IpFamily.IPV4);
        long routes = lines(namespace.ip("route", "show", "proto", "0x77")).count();
        long neighbours = lines(namespace.ip("neigh", "show", "dev", device, "nud", "permanent"))
                .count();
        long fdb = lines(namespace.bridge("fdb", "show", "dev", device))
                .filter(line -> line.contains(" dst "))
                .count();
        int peers = leases.size();
        if (routes != peers || neighbours != peers || fdb != peers) {
            throw new IllegalStateException("ip and bridge list " + routes + " routes, " + neighbours
                    + " neighbours and " + fdb + " FDB entries after weft's apply, expected " + peers + " each");
        }
    }

    private static Stream<String> lines(String output) {
        return output.lines().filter(line -> !line.isBlank());
    }

    private static Duration timed(Supplier<?> action) {
        long start = System.nanoTime();
        action.get();
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static int objects(DesiredState state) {
        return state.routes().size() + state.neighbours().size() + state.fdb().size();
    }

    private static Path temporaryDirectory() {
        try {
            return Files.createTempDirectory("weft-bench-dataplane");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a directory for the batch files", e);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }
}
