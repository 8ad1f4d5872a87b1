package io.weft.node.backend;

import io.weft.api.v1.Lease;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import java.util.Objects;
import java.util.Optional;

/**
 * This node once it holds its lease: the host facts plus the lease.
 *
 * @param host  the node, its config and external interface
 * @param lease the lease this node holds; it has a subnet for every enabled family
 * @param facts what peers must never cover, read from the host ({@link PeerSafety})
 */
public record NodeContext(NodeHost host, Lease lease, HostFacts facts) {

    /** Without host facts: only the config's rules guard against unsafe peers. */
    public NodeContext(NodeHost host, Lease lease) {
        this(host, lease, HostFacts.none());
    }

    /** @throws IllegalArgumentException when the lease lacks a valid subnet of an enabled family */
    public NodeContext {
        Objects.requireNonNull(host);
        Objects.requireNonNull(lease);
        Objects.requireNonNull(facts);
        for (IpFamily family : host.families()) {
            String text = subnetText(lease, family);
            IpPrefix subnet;
            try {
                subnet = IpPrefix.parse(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        "this node's lease has no valid " + family + " subnet: " + e.getMessage(), e);
            }
            if (subnet.family() != family) {
                throw new IllegalArgumentException("this node's lease has " + subnet + " as its " + family + " subnet");
            }
        }
    }

    static String subnetText(Lease lease, IpFamily family) {
        return family == IpFamily.IPV4 ? lease.getSubnet() : lease.getIpv6Subnet();
    }

    /** This node's subnet of a family; empty when the family is disabled. */
    public Optional<IpPrefix> subnet(IpFamily family) {
        return host.families().contains(family)
                ? Optional.of(IpPrefix.parse(subnetText(lease, family)))
                : Optional.empty();
    }

    public String nodeName() {
        return host.nodeName();
    }

    public NetworkConfig network() {
        return host.network();
    }

    public ExternalLink external() {
        return host.external();
    }
}
