package io.weft.bench.lab;

import io.weft.testsupport.NetworkNamespace;
import java.util.List;

/**
 * A throw-away network namespace for figure 6's weft-node ({@code ip netns add wbench-RANDOM}),
 * with its own loopback and a veth pair kept inside it: {@code eth0} (10.97.0.1/24, the node's
 * external interface and public address) and its peer. Nothing in it is reachable from the
 * host's namespace or from outside; the allocator-server and etcd it talks to run inside too,
 * on the namespace's loopback. {@link #close()} deletes it with everything in it.
 */
public final class BenchNamespace implements AutoCloseable {

    public static final String NODE_ADDRESS = "10.97.0.1";

    private final NetworkNamespace namespace;

    private BenchNamespace(NetworkNamespace namespace) {
        this.namespace = namespace;
    }

    /** Whether {@code ip netns} works here (root with iproute2); null when it does, else why not. */
    public static String unavailableReason() {
        return NetworkNamespace.unavailableReason().orElse(null);
    }

    public static BenchNamespace create() {
        NetworkNamespace namespace = NetworkNamespace.create("wbench");
        try {
            namespace.addUnderlay("eth0", "eth0-peer", 0, List.of(NODE_ADDRESS + "/24"));
            return new BenchNamespace(namespace);
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
    }

    public String name() {
        return namespace.name();
    }

    /** {@code ip netns exec <name> command...}. */
    public List<String> exec(List<String> command) {
        return namespace.exec(command);
    }

    @Override
    public void close() {
        namespace.close();
    }
}
