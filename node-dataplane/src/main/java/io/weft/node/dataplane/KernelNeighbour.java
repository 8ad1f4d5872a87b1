package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import java.util.Objects;

/**
 * A permanent neighbour entry: {@code ip neigh replace ADDRESS lladdr MAC dev DEVICE nud permanent}.
 * Identity is (device, address).
 *
 * @param mac lower-case "aa:bb:cc:dd:ee:ff"
 */
public record KernelNeighbour(IpAddress address, String mac, String device) {

    public KernelNeighbour {
        Objects.requireNonNull(address);
        Objects.requireNonNull(device);
        mac = MacAddress.canonical(mac);
    }
}
