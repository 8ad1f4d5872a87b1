package io.weft.node.agent;

import io.weft.api.v1.Lease;
import io.weft.config.IpPrefix;
import io.weft.config.SubnetSpace;
import io.weft.node.backend.NodeHost;
import java.io.IOException;
import java.nio.file.Path;

/**
 * This host's {@code subnet.env} ({@link SubnetEnv}): what a previous run left there, to ask for
 * the same subnets again, and the file for a lease of this host, written atomically.
 */
final class SubnetFile {

    private final Path path;
    private final boolean ipMasq;

    /** Without masquerade: FLANNEL_IPMASQ=false. */
    SubnetFile(Path path) {
        this(path, false);
    }

    /** ipMasq: FLANNEL_IPMASQ, whether this node masquerades its pods' traffic (--ip-masq). */
    SubnetFile(Path path, boolean ipMasq) {
        this.path = path;
        this.ipMasq = ipMasq;
    }

    Path path() {
        return path;
    }

    /** The subnets a previous run wrote; empty on a first start. */
    SubnetEnv.Previous previous() {
        return SubnetEnv.readPrevious(path);
    }

    /** Writes the file for {@code lease}, with the MTU pods must use. */
    void write(NodeHost host, Lease lease, int mtu) throws IOException {
        new SubnetEnv(
                        host.network().ipv4().map(SubnetSpace::network).orElse(null),
                        parse(lease.getSubnet()),
                        host.network().ipv6().map(SubnetSpace::network).orElse(null),
                        parse(lease.getIpv6Subnet()),
                        mtu,
                        ipMasq)
                .write(path);
    }

    private static IpPrefix parse(String subnet) {
        return subnet.isEmpty() ? null : IpPrefix.parse(subnet);
    }
}
