package io.weft.node.backend;

import io.weft.api.v1.Lease;
import io.weft.client.LeaseKey;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/**
 * A remote lease as this node reads it, shared by the backends: which leases are peers at all,
 * what to call them in messages, and each family's checked subnet and public IP.
 */
final class Peer {

    /** A family's part of a peer lease, checked: its subnet and its public (underlay) address. */
    record Endpoint(IpPrefix subnet, IpAddress publicIp) {}

    /** Why a peer (or one family of it) cannot be used; the message is shown to the operator. */
    static final class Invalid extends Exception {
        /** The group the summary log counts this under. */
        final String kind;

        Invalid(String message) {
            this(SkippedPeer.UNUSABLE, message);
        }

        Invalid(String kind, String message) {
            super(message);
            this.kind = kind;
        }
    }

    private static final Comparator<Lease> ORDER = Comparator.comparing(Lease::getNodeName)
            .thenComparing(Lease::getSubnet)
            .thenComparing(Lease::getIpv6Subnet)
            .thenComparing(Lease::getPublicIp);

    final Lease lease;
    final String name;

    private Peer(Lease lease) {
        this.lease = lease;
        this.name = !lease.getNodeName().isEmpty()
                ? lease.getNodeName()
                : !LeaseKey.of(lease).isEmpty() ? LeaseKey.of(lease) : "a lease without a subnet";
    }

    /**
     * The leases that are other nodes', each once, in a stable order (so a conflict between two
     * peers always goes the same way). This node's own lease, or any lease with its name or one
     * of its subnets, is never a peer.
     */
    static List<Peer> remote(NodeContext self, Collection<Lease> leases) {
        return new LinkedHashSet<>(leases)
                .stream()
                        .filter(lease -> !isSelf(self, lease))
                        .sorted(ORDER)
                        .map(Peer::new)
                        .toList();
    }

    private static boolean isSelf(NodeContext self, Lease lease) {
        if (!self.nodeName().isEmpty() && self.nodeName().equals(lease.getNodeName())) {
            return true;
        }
        for (IpFamily family : IpFamily.values()) {
            Optional<IpPrefix> own = self.subnet(family);
            if (own.isPresent() && own.equals(parse(NodeContext.subnetText(lease, family)))) {
                return true;
            }
        }
        return false;
    }

    private static Optional<IpPrefix> parse(String cidr) {
        try {
            return Optional.of(IpPrefix.parse(cidr));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * The family's subnet and public IP, checked: the subnet lies in the network with the
     * network's subnet length and clear of this node's own; the public IP has the family and is
     * not this node's; and neither can hijack the host ({@link PeerSafety}).
     */
    Endpoint endpoint(NodeContext self, IpFamily family) throws Invalid {
        boolean v4 = family == IpFamily.IPV4;
        String subnetText = NodeContext.subnetText(lease, family);
        if (subnetText.isEmpty()) {
            throw new Invalid(v4 ? "no subnet" : "no IPv6 subnet");
        }
        IpPrefix subnet;
        try {
            subnet = IpPrefix.parse(subnetText);
        } catch (IllegalArgumentException e) {
            throw new Invalid(e.getMessage());
        }
        IpPrefix network = v4 ? self.network().network() : self.network().ipv6Network();
        int length = v4 ? self.network().subnetLen() : self.network().ipv6SubnetLen();
        if (!network.contains(subnet)) {
            throw new Invalid("subnet " + subnet + " is outside the network " + network);
        }
        if (subnet.length() != length) {
            throw new Invalid("subnet " + subnet + " is not a /" + length + " like the network's subnets");
        }
        IpPrefix own = self.subnet(family).orElseThrow();
        if (own.overlaps(subnet)) {
            throw new Invalid("subnet " + subnet + " overlaps this node's " + own);
        }
        String ipText = v4 ? lease.getPublicIp() : lease.getPublicIpv6();
        if (ipText.isEmpty()) {
            throw new Invalid(v4 ? "no public IP" : "no public IPv6 address");
        }
        IpAddress publicIp;
        try {
            publicIp = IpAddress.parse(ipText);
        } catch (IllegalArgumentException e) {
            throw new Invalid("public IP: " + e.getMessage());
        }
        if (publicIp.family() != family) {
            throw new Invalid("public IP " + publicIp + " is not an " + family + " address");
        }
        if (self.host().publicIp(family).map(publicIp::equals).orElse(false)) {
            throw new Invalid("public IP " + publicIp + " is this node's own");
        }
        var unsafe = PeerSafety.check(self.facts(), self.network(), subnet, publicIp);
        if (unsafe.isPresent()) {
            throw new Invalid(unsafe.get().kind(), unsafe.get().message());
        }
        return new Endpoint(subnet, publicIp);
    }
}
