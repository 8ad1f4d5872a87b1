package io.weft.node.backend;

import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

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

    final PeerLease lease;
    final String name;

    /** This node's subnet of each enabled family, parsed once for all the peers of a view. */
    private final Map<IpFamily, IpPrefix> own;

    private Peer(PeerLease lease, Map<IpFamily, IpPrefix> own) {
        this.lease = lease;
        this.name = lease.name();
        this.own = own;
    }

    /**
     * The leases that are other nodes', each once, in a stable order (so a conflict between two
     * peers always goes the same way). This node's own lease, or any lease with its name or one
     * of its subnets, is never a peer.
     */
    static List<Peer> remote(NodeContext self, Collection<PeerLease> leases) {
        Map<IpFamily, IpPrefix> own = new EnumMap<>(IpFamily.class);
        for (IpFamily family : IpFamily.values()) {
            self.subnet(family).ifPresent(subnet -> own.put(family, subnet));
        }
        List<PeerLease> sorted = new ArrayList<>(leases.size());
        for (PeerLease lease : leases) {
            if (!isSelf(self.nodeName(), own, lease)) {
                sorted.add(lease);
            }
        }
        sorted.sort(Comparator.comparing(PeerLease::order));
        // Equal leases sort next to each other (their order keys are equal): only those are compared.
        List<Peer> peers = new ArrayList<>(sorted.size());
        int sameOrderFrom = 0;
        for (int i = 0; i < sorted.size(); i++) {
            PeerLease lease = sorted.get(i);
            if (!lease.order().equals(sorted.get(sameOrderFrom).order())) {
                sameOrderFrom = i;
            }
            if (!sorted.subList(sameOrderFrom, i).contains(lease)) {
                peers.add(new Peer(lease, own));
            }
        }
        return peers;
    }

    private static boolean isSelf(String nodeName, Map<IpFamily, IpPrefix> own, PeerLease lease) {
        if (!nodeName.isEmpty() && nodeName.equals(lease.nodeName())) {
            return true;
        }
        for (Map.Entry<IpFamily, IpPrefix> subnet : own.entrySet()) {
            if (subnet.getValue().equals(lease.side(subnet.getKey()).subnet().value())) {
                return true;
            }
        }
        return false;
    }

    /**
     * The family's subnet and public IP, checked: the subnet lies in the network with the
     * network's subnet length and clear of this node's own; the public IP has the family and is
     * not this node's; and neither can hijack the host ({@link PeerSafety}).
     */
    Endpoint endpoint(NodeContext self, IpFamily family) throws Invalid {
        boolean v4 = family == IpFamily.IPV4;
        PeerLease.Side side = lease.side(family);
        IpPrefix subnet = side.subnet().get();
        IpPrefix network = v4 ? self.network().network() : self.network().ipv6Network();
        int length = v4 ? self.network().subnetLen() : self.network().ipv6SubnetLen();
        if (!network.contains(subnet)) {
            throw new Invalid("subnet " + subnet + " is outside the network " + network);
        }
        if (subnet.length() != length) {
            throw new Invalid("subnet " + subnet + " is not a /" + length + " like the network's subnets");
        }
        IpPrefix ownSubnet = own.get(family);
        if (ownSubnet.overlaps(subnet)) {
            throw new Invalid("subnet " + subnet + " overlaps this node's " + ownSubnet);
        }
        IpAddress publicIp = side.publicIp().get();
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
