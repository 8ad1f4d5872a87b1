package io.weft.bench.dataplane;

import io.weft.testsupport.CommandResult;
import io.weft.testsupport.NetworkNamespace;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A throw-away network namespace, {@code ip netns add weft-bench-RANDOM}, with a veth pair inside
 * as the underlay: {@link PeerFleet#UNDERLAY} with the fleet's own address (172.20.0.1/16, up)
 * and its peer {@value #PEER} (up, no address). Deleting the namespace takes every device,
 * route, neighbour and FDB entry inside with it, also if the JVM ends before {@link #close()}.
 *
 * <p>Not thread-safe; the commands it runs are iproute2's {@code ip} and {@code bridge}.
 */
final class BenchNamespace implements AutoCloseable {

    static final String PEER = "weft1";

    private final NetworkNamespace namespace;

    private BenchNamespace(NetworkNamespace namespace) {
        this.namespace = namespace;
    }

    /**
     * Why namespaces cannot be made here (not root, no {@code ip netns}, no vxlan support), or
     * empty when they can. Tries a namespace with a vxlan device once, then deletes it.
     */
    static Optional<String> unavailableReason() {
        Optional<String> noNamespaces = NetworkNamespace.unavailableReason();
        if (noNamespaces.isPresent()) {
            return noNamespaces;
        }
        try (BenchNamespace probe = create()) {
            CommandResult vxlan = probe.namespace.tryIp("link", "add", "probe0", "type", "vxlan", "id", "1",
                    "dstport", "8472", "dev", PeerFleet.UNDERLAY);
            if (vxlan.exitCode() != 0) {
                return Optional.of("the kernel cannot create vxlan devices: " + vxlan.output().strip());
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("cannot set up a network namespace: " + e.getMessage());
        }
    }

    static BenchNamespace create() {
        NetworkNamespace namespace = NetworkNamespace.create("weft-bench");
        try {
            namespace.addUnderlay(PeerFleet.UNDERLAY, PEER, PeerFleet.UNDERLAY_MTU,
                    List.of(PeerFleet.SELF_IP + "/" + PeerFleet.UNDERLAY_SUBNET.length()));
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
        return new BenchNamespace(namespace);
    }

    String name() {
        return namespace.name();
    }

    /** The file {@code NetlinkDataplane.openIn} takes. */
    Path file() {
        return namespace.file();
    }

    /** {@code ip -n NAME ARGS}; answers the output, fails with it on a non-zero exit. */
    String ip(String... args) {
        return namespace.ip(args);
    }

    /** {@code TOOL -n NAME ARGS} for ip or bridge; answers the output, fails with it on a non-zero exit. */
    String tool(String tool, String... args) {
        return namespace.tryTool(tool, args).orThrow();
    }

    /**
     * Runs {@code TOOL -n NAME -batch FILE} (TOOL is ip or bridge) and answers its wall-clock
     * time, process start included: that is what applying a batch with iproute2 costs.
     */
    Duration batch(String tool, Path file) {
        long start = System.nanoTime();
        CommandResult result = CommandResult.of(List.of(tool, "-n", namespace.name(), "-batch", file.toString()));
        long elapsed = System.nanoTime() - start;
        result.orThrow();
        return Duration.ofNanos(elapsed);
    }

    /** Deletes the namespace and everything inside; a second call does nothing. */
    @Override
    public void close() {
        namespace.close();
    }
}
