package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import java.util.Optional;

/**
 * A network device as the kernel reports it.
 *
 * @param vxlan present for vxlan devices
 */
public record LinkInfo(
        String name, int index, String kind, boolean up, int mtu, String mac, Optional<VxlanAttributes> vxlan) {

    /** The vxlan settings of a device (what {@code ip -d link show} prints). */
    public record VxlanAttributes(
            int vni, int port, IpAddress local, int underlayIndex, boolean learning, boolean gbp) {}
}
