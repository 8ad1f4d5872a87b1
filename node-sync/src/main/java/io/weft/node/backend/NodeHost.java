package io.weft.node.backend;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.NetworkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a backend knows about this node before it holds a lease.
 *
 * @param nodeName      this node's name
 * @param network       the cluster's network config
 * @param external      the external interface
 * @param publicIp      the IPv4 address the node advertises (tunnel endpoint, host-gw next hop)
 * @param publicIpv6    the IPv6 one
 * @param vxlanDevice   the IPv4 vxlan device's name (flannel: {@code flannel.<VNI>})
 * @param vxlanV6Device the IPv6 one (flannel: {@code flannel-v6.<VNI>})
 */
public record NodeHost(
        String nodeName,
        NetworkConfig network,
        ExternalLink external,
        Optional<IpAddress> publicIp,
        Optional<IpAddress> publicIpv6,
        String vxlanDevice,
        String vxlanV6Device) {

    public NodeHost {
        Objects.requireNonNull(nodeName);
        Objects.requireNonNull(network);
        Objects.requireNonNull(external);
        Objects.requireNonNull(vxlanDevice);
        Objects.requireNonNull(vxlanV6Device);
        if (publicIp.map(ip -> ip.family() != IpFamily.IPV4).orElse(false)
                || publicIpv6.map(ip -> ip.family() != IpFamily.IPV6).orElse(false)) {
            throw new IllegalArgumentException("public IPs of the wrong family: " + publicIp + ", " + publicIpv6);
        }
    }

    /** With flannel's device names; either public IP may be null. */
    public static NodeHost of(
            String nodeName, NetworkConfig network, ExternalLink external, IpAddress publicIp, IpAddress publicIpv6) {
        int vni = network.backend().vni();
        return new NodeHost(
                nodeName,
                network,
                external,
                Optional.ofNullable(publicIp),
                Optional.ofNullable(publicIpv6),
                flannelDevice(IpFamily.IPV4, vni),
                flannelDevice(IpFamily.IPV6, vni));
    }

    /**
     * This node under another network config of the same backend type and VNI (a config that
     * changed while the node runs): same interface, addresses and device names.
     */
    public NodeHost withNetwork(NetworkConfig next) {
        return new NodeHost(nodeName, next, external, publicIp, publicIpv6, vxlanDevice, vxlanV6Device);
    }

    /** flannel's vxlan device name: {@code flannel.1}, {@code flannel-v6.1}. */
    public static String flannelDevice(IpFamily family, int vni) {
        return (family == IpFamily.IPV4 ? "flannel." : "flannel-v6.") + vni;
    }

    /** The enabled families, IPv4 first. */
    public List<IpFamily> families() {
        List<IpFamily> families = new ArrayList<>(2);
        if (network.enableIPv4()) {
            families.add(IpFamily.IPV4);
        }
        if (network.enableIPv6()) {
            families.add(IpFamily.IPV6);
        }
        return List.copyOf(families);
    }

    public Optional<IpAddress> publicIp(IpFamily family) {
        return family == IpFamily.IPV4 ? publicIp : publicIpv6;
    }

    public String vxlanDevice(IpFamily family) {
        return family == IpFamily.IPV4 ? vxlanDevice : vxlanV6Device;
    }
}
