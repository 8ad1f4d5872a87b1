package io.weft.allocator.alloc;

import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpPrefix;

/**
 * Who is asking for a subnet, as far as choosing one is concerned.
 *
 * @param nodeName          the node's name (never empty)
 * @param publicIp          its public IPv4, or ""
 * @param previousSubnet    the IPv4 subnet it held before, or null
 * @param previousIpv6Subnet the IPv6 subnet it held before, or null
 */
public record AcquireIntent(String nodeName, String publicIp, IpPrefix previousSubnet, IpPrefix previousIpv6Subnet) {

    /** The same intent asking for this lease's subnets first (the node held it a moment ago). */
    public AcquireIntent preferring(SubnetKey subnet) {
        return new AcquireIntent(nodeName, publicIp, subnet.ipv4(), subnet.ipv6());
    }
}
