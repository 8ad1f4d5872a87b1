package io.weft.node.dataplane;

import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import java.util.ArrayList;
import java.util.List;

/** A device of {@link MemoryDataplane} and the addresses it holds. */
final class MemoryLink {

    LinkInfo info;
    final List<IpPrefix> addresses = new ArrayList<>();

    MemoryLink(LinkInfo info) {
        this.info = info;
    }

    /** True when an address of the device covers {@code gateway}: the kernel's connected route. */
    boolean covers(IpAddress gateway) {
        return addresses.stream().anyMatch(prefix -> prefix.contains(gateway));
    }
}
