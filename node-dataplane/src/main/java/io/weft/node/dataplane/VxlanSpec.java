package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import java.util.Objects;

/**
 * A vxlan device as weft wants it: {@code ip link add NAME address MAC mtu MTU type vxlan id VNI
 * local LOCAL dev UNDERLAY dstport PORT nolearning [gbp]}.
 *
 * @param name     device name, e.g. flannel.1 (at most 15 characters)
 * @param vni      VXLAN network identifier
 * @param local    the tunnel's local (public) address
 * @param underlay the external interface the tunnel runs over
 * @param port     UDP port (8472 is flannel's default)
 * @param learning whether the kernel learns remote MACs (off for flannel)
 * @param gbp      group-based policy extension
 * @param mtu      the device MTU (underlay MTU - 50 for IPv4, - 70 for IPv6)
 * @param mac      the VTEP MAC, stable across restarts
 */
public record VxlanSpec(
        String name,
        int vni,
        IpAddress local,
        String underlay,
        int port,
        boolean learning,
        boolean gbp,
        int mtu,
        String mac) {

    public VxlanSpec {
        Objects.requireNonNull(name);
        Objects.requireNonNull(local);
        Objects.requireNonNull(underlay);
        if (name.isEmpty() || name.length() > 15) {
            throw new IllegalArgumentException("device name \"" + name + "\" must be 1..15 characters");
        }
        mac = MacAddress.canonical(mac);
    }
}
