package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import java.util.Objects;

/**
 * A permanent bridge forwarding entry on a vxlan device:
 * {@code bridge fdb replace MAC dev DEVICE dst DESTINATION self permanent}. Identity is (device, mac).
 *
 * @param mac         the remote VTEP's MAC, lower-case
 * @param destination the remote VTEP's underlay (public) IP
 */
public record KernelFdbEntry(String mac, IpAddress destination, String device) {

    public KernelFdbEntry {
        Objects.requireNonNull(destination);
        Objects.requireNonNull(device);
        mac = MacAddress.canonical(mac);
    }
}
