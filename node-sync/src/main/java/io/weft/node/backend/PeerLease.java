package io.weft.node.backend;

import io.weft.api.v1.Lease;
import io.weft.api.v1.VxlanBackendData;
import io.weft.client.LeaseKey;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import io.weft.node.dataplane.MacAddress;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * A peer's lease in the node's own terms, read once from the API message: its name, backend
 * type, and for each family the subnet, the public IP and the VTEP, each parsed or carrying the
 * reason it could not be (shown when the peer is skipped). What depends on this node and on the
 * network config, which change while the lease does not, is checked later by {@link Peer}.
 *
 * @param nodeName    the lease's node name ("" for a flanneld lease)
 * @param name        what to call the peer in messages: the node name, else the subnets
 * @param backendType the lease's backend type
 * @param order       a sort key, so conflicts between peers always go the same way
 */
public record PeerLease(String nodeName, String name, String backendType, Map<IpFamily, Side> sides, String order) {

    /** A value read from the lease, or why it could not be. */
    public record Parsed<T>(T value, String problem, String problemKind) {

        static <T> Parsed<T> of(T value) {
            return new Parsed<>(value, null, null);
        }

        static <T> Parsed<T> bad(String problem) {
            return new Parsed<>(null, problem, SkippedPeer.UNUSABLE);
        }

        /** The value, or {@link Peer.Invalid} with the reason. */
        T get() throws Peer.Invalid {
            if (value == null) {
                throw new Peer.Invalid(problemKind, problem);
            }
            return value;
        }
    }

    /** The VTEP a vxlan peer names: its VNI (0: any) and unicast MAC in canonical form. */
    public record Vtep(long vni, String mac) {}

    /** One family's part of the lease. */
    public record Side(Parsed<IpPrefix> subnet, Parsed<IpAddress> publicIp, Parsed<Vtep> vtep) {}

    /** The side of a lease that names nothing of a family (no subnet, public IP or VTEP). */
    private static final Side NO_IPV4 =
            new Side(Parsed.bad("no subnet"), Parsed.bad("no public IP"), Parsed.bad("no vxlan BackendData"));

    private static final Side NO_IPV6 = new Side(
            Parsed.bad("no IPv6 subnet"), Parsed.bad("no public IPv6 address"), Parsed.bad("no vxlan BackendV6Data"));

    /** Reads each lease once; equal leases give equal peer leases. */
    public static List<PeerLease> of(Collection<Lease> leases) {
        return leases.stream().map(PeerLease::of).toList();
    }

    public static PeerLease of(Lease lease) {
        Map<IpFamily, Side> sides = new EnumMap<>(IpFamily.class);
        for (IpFamily family : IpFamily.values()) {
            boolean v4 = family == IpFamily.IPV4;
            String subnet = v4 ? lease.getSubnet() : lease.getIpv6Subnet();
            String publicIp = v4 ? lease.getPublicIp() : lease.getPublicIpv6();
            if (subnet.isEmpty() && publicIp.isEmpty() && !(v4 ? lease.hasVxlan() : lease.hasVxlanV6())) {
                // Most leases name one family only: every such side reads the same, so all share one.
                sides.put(family, v4 ? NO_IPV4 : NO_IPV6);
                continue;
            }
            sides.put(family, new Side(subnet(subnet, v4), publicIp(publicIp, family), vtep(lease, v4)));
        }
        String name = !lease.getNodeName().isEmpty()
                ? lease.getNodeName()
                : !LeaseKey.of(lease).isEmpty() ? LeaseKey.of(lease) : "a lease without a subnet";
        String order =
                String.join("\0", lease.getNodeName(), lease.getSubnet(), lease.getIpv6Subnet(), lease.getPublicIp());
        return new PeerLease(lease.getNodeName(), name, lease.getBackendType(), Map.copyOf(sides), order);
    }

    /** The family's part of the lease. */
    public Side side(IpFamily family) {
        return sides.get(family);
    }

    private static Parsed<IpPrefix> subnet(String text, boolean v4) {
        if (text.isEmpty()) {
            return Parsed.bad(v4 ? "no subnet" : "no IPv6 subnet");
        }
        try {
            return Parsed.of(IpPrefix.parse(text));
        } catch (IllegalArgumentException e) {
            return Parsed.bad(e.getMessage());
        }
    }

    private static Parsed<IpAddress> publicIp(String text, IpFamily family) {
        if (text.isEmpty()) {
            return Parsed.bad(family == IpFamily.IPV4 ? "no public IP" : "no public IPv6 address");
        }
        IpAddress address;
        try {
            address = IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            return Parsed.bad("public IP: " + e.getMessage());
        }
        return address.family() == family
                ? Parsed.of(address)
                : Parsed.bad("public IP " + address + " is not an " + family + " address");
    }

    private static Parsed<Vtep> vtep(Lease lease, boolean v4) {
        if (v4 ? !lease.hasVxlan() : !lease.hasVxlanV6()) {
            return Parsed.bad(v4 ? "no vxlan BackendData" : "no vxlan BackendV6Data");
        }
        VxlanBackendData data = v4 ? lease.getVxlan() : lease.getVxlanV6();
        String mac;
        try {
            mac = MacAddress.canonical(data.getVtepMac());
        } catch (IllegalArgumentException e) {
            return Parsed.bad("VTEP MAC: " + e.getMessage());
        }
        if (!VtepMac.isUnicast(mac)) {
            return Parsed.bad("VTEP MAC " + mac + " is not a unicast address");
        }
        return Parsed.of(new Vtep(Integer.toUnsignedLong(data.getVni()), mac));
    }
}
