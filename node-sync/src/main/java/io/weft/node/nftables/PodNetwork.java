package io.weft.node.nftables;

import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import java.util.Objects;

/**
 * One address family's part of the cluster as this node sees it.
 *
 * @param network the cluster network (every pod of every host)
 * @param subnet  this host's lease inside it (its own pods)
 */
public record PodNetwork(IpPrefix network, IpPrefix subnet) {

    public PodNetwork {
        Objects.requireNonNull(network);
        Objects.requireNonNull(subnet);
        if (network.family() != subnet.family()) {
            throw new IllegalArgumentException("network " + network + " and subnet " + subnet + " mix families");
        }
    }

    public IpFamily family() {
        return network.family();
    }

    /** nftables' name of the family's address match: {@code ip} or {@code ip6}. */
    String match() {
        return family() == IpFamily.IPV4 ? "ip" : "ip6";
    }

    /** Multicast, never masqueraded (as flannel). */
    String multicast() {
        return family() == IpFamily.IPV4 ? "224.0.0.0/4" : "ff00::/8";
    }
}
