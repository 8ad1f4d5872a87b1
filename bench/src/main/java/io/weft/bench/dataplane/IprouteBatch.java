package io.weft.bench.dataplane;

import io.weft.node.backend.DesiredState;
import io.weft.node.dataplane.KernelFdbEntry;
import io.weft.node.dataplane.KernelNeighbour;
import io.weft.node.dataplane.KernelRoute;
import io.weft.testsupport.CommandResult;
import io.weft.testsupport.NetworkNamespace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The baseline of the data-plane figure: a desired state written as iproute2 batch files, one
 * for {@code ip -batch} (neighbours and routes) and one for {@code bridge -batch} (FDB entries),
 * with the same commands weft's netlink requests stand for (see {@code ChangeBatchApplier}):
 * <pre>
 *   neigh replace 10.0.1.0 lladdr 0a:00:00:00:00:01 dev flannel.1 nud permanent
 *   route replace 10.0.1.0/24 via 10.0.1.0 dev flannel.1 onlink proto 0x77
 *   fdb replace 0a:00:00:00:00:01 dev flannel.1 dst 172.21.0.1 self permanent
 * </pre>
 * and for the removal {@code route del ... proto 0x77}, {@code neigh del ADDRESS dev DEVICE},
 * {@code fdb del MAC dev DEVICE self}.
 *
 * @param objects how many objects the two files change together
 */
record IprouteBatch(Path ipFile, Path bridgeFile, int objects) {

    /** Files that create or replace every object of {@code state}. */
    static IprouteBatch apply(DesiredState state, Path directory) {
        List<String> ip = new ArrayList<>();
        sortedNeighbours(state)
                .forEach(n -> ip.add("neigh replace " + n.address() + " lladdr " + n.mac() + " dev " + n.device()
                        + " nud permanent"));
        sortedRoutes(state)
                .forEach(r -> ip.add("route replace " + r.destination() + " via " + r.gateway() + " dev " + r.device()
                        + (r.onLink() ? " onlink" : "") + " proto 0x77"));
        List<String> bridge = sortedFdb(state).stream()
                .map(f ->
                        "fdb replace " + f.mac() + " dev " + f.device() + " dst " + f.destination() + " self permanent")
                .toList();
        return write(directory, "apply", ip, bridge);
    }

    /** Files that delete every object of {@code state}. */
    static IprouteBatch removal(DesiredState state, Path directory) {
        List<String> ip = new ArrayList<>();
        sortedRoutes(state)
                .forEach(r -> ip.add(
                        "route del " + r.destination() + " via " + r.gateway() + " dev " + r.device() + " proto 0x77"));
        sortedNeighbours(state).forEach(n -> ip.add("neigh del " + n.address() + " dev " + n.device()));
        List<String> bridge = sortedFdb(state).stream()
                .map(f -> "fdb del " + f.mac() + " dev " + f.device() + " self")
                .toList();
        return write(directory, "remove", ip, bridge);
    }

    /** Runs {@code ip -batch} then {@code bridge -batch} in the namespace; answers the time of both. */
    Duration runIn(NetworkNamespace namespace) {
        return batch(namespace, "ip", ipFile).plus(batch(namespace, "bridge", bridgeFile));
    }

    /**
     * Runs {@code TOOL -n NAME -batch FILE} and answers its wall-clock time, process start
     * included: that is what applying a batch with iproute2 costs.
     */
    private static Duration batch(NetworkNamespace namespace, String tool, Path file) {
        long start = System.nanoTime();
        CommandResult result = namespace.tryTool(tool, "-batch", file.toString());
        long elapsed = System.nanoTime() - start;
        result.orThrow();
        return Duration.ofNanos(elapsed);
    }

    private static IprouteBatch write(Path directory, String what, List<String> ip, List<String> bridge) {
        try {
            Path ipFile = Files.write(directory.resolve(what + ".ip.batch"), ip);
            Path bridgeFile = Files.write(directory.resolve(what + ".bridge.batch"), bridge);
            return new IprouteBatch(ipFile, bridgeFile, ip.size() + bridge.size());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + what + " batch files in " + directory, e);
        }
    }

    private static List<KernelRoute> sortedRoutes(DesiredState state) {
        return state.routes().stream()
                .sorted(Comparator.comparing(KernelRoute::destination))
                .toList();
    }

    private static List<KernelNeighbour> sortedNeighbours(DesiredState state) {
        return state.neighbours().stream()
                .sorted(Comparator.comparing(KernelNeighbour::address))
                .toList();
    }

    private static List<KernelFdbEntry> sortedFdb(DesiredState state) {
        return state.fdb().stream()
                .sorted(Comparator.comparing(KernelFdbEntry::mac))
                .toList();
    }
}
