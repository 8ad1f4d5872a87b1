package io.weft.bench.dataplane;

import io.weft.testsupport.CommandResult;
import io.weft.testsupport.NetworkNamespace;
import java.util.List;
import java.util.Optional;

/**
 * The figure's throw-away network namespaces, {@code ip netns add weft-bench-RANDOM}, each with a
 * veth pair inside as the underlay: {@link PeerFleet#UNDERLAY} with the fleet's own address
 * (172.20.0.1/16, up) and its peer {@value #PEER} (up, no address).
 */
final class BenchNamespace {

    static final String PEER = "weft1";

    private BenchNamespace() {}

    /**
     * Why namespaces cannot be made here (not root, no {@code ip netns}, no vxlan support), or
     * empty when they can. Tries a namespace with a vxlan device once, then deletes it.
     */
    static Optional<String> unavailableReason() {
        Optional<String> noNamespaces = NetworkNamespace.unavailableReason();
        if (noNamespaces.isPresent()) {
            return noNamespaces;
        }
        try (NetworkNamespace probe = create()) {
            CommandResult vxlan = probe.tryIp(
                    "link", "add", "probe0", "type", "vxlan", "id", "1", "dstport", "8472", "dev", PeerFleet.UNDERLAY);
            if (vxlan.exitCode() != 0) {
                return Optional.of("the kernel cannot create vxlan devices: "
                        + vxlan.output().strip());
            }
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of("cannot set up a network namespace: " + e.getMessage());
        }
    }

    /** A new namespace with the underlay; the caller closes it. */
    static NetworkNamespace create() {
        NetworkNamespace namespace = NetworkNamespace.create("weft-bench");
        try {
            namespace.addUnderlay(
                    PeerFleet.UNDERLAY,
                    PEER,
                    PeerFleet.UNDERLAY_MTU,
                    List.of(PeerFleet.SELF_IP + "/" + PeerFleet.UNDERLAY_SUBNET.length()));
            return namespace;
        } catch (RuntimeException e) {
            namespace.close();
            throw e;
        }
    }
}
