package io.weft.bench.dataplane;

import io.weft.api.v1.Lease;
import io.weft.api.v1.VxlanBackendData;
import io.weft.config.ConfigException;
import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.node.backend.ExternalLink;
import io.weft.node.backend.NodeContext;
import io.weft.node.backend.NodeHost;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A synthetic vxlan cluster as one node sees it, for the data-plane figure and the peer-diffing
 * micro-benchmark: network 10.0.0.0/8 in /24s (VNI 1); this node, {@value #SELF}, holds
 * 10.0.0.0/24 behind {@value #UNDERLAY} (172.20.0.1/16, MTU 1500); peer n (1..65535) holds
 * 10.HI.LO.0/24 where n = HI * 256 + LO. A peer's generation stands for a re-created node: the
 * same subnet with another VTEP MAC (0a:00:GG:00:HI:LO) and public IP (172.(21+GG).HI.LO), so
 * its neighbour changes and its FDB entry moves to a new MAC.
 */
public final class PeerFleet {

    public static final String SELF = "bench-self";
    public static final String UNDERLAY = "weft0";
    public static final IpAddress SELF_IP = IpAddress.parse("172.20.0.1");
    public static final IpPrefix UNDERLAY_SUBNET = IpPrefix.parse("172.20.0.0/16");
    public static final int UNDERLAY_MTU = 1500;
    public static final int MAX_PEERS = 65_535;
    /** A route, a neighbour and an FDB entry per peer. */
    public static final int OBJECTS_PER_PEER = 3;

    public static final NetworkConfig NETWORK =
            parse("{\"Network\": \"10.0.0.0/8\", \"SubnetLen\": 24, \"Backend\": {\"Type\": \"vxlan\", \"VNI\": 1}}");

    private PeerFleet() {}

    /** This node before it holds its lease (what {@code VxlanBackend.prepare} takes). */
    public static NodeHost host() {
        ExternalLink external = new ExternalLink(UNDERLAY, UNDERLAY_MTU, Set.of(SELF_IP), Set.of(UNDERLAY_SUBNET));
        return NodeHost.of(SELF, NETWORK, external, SELF_IP, null);
    }

    /** This node holding 10.0.0.0/24. */
    public static NodeContext self() {
        Lease own = Lease.newBuilder()
                .setNodeName(SELF)
                .setSubnet("10.0.0.0/24")
                .setPublicIp(SELF_IP.toString())
                .setBackendType("vxlan")
                .build();
        return new NodeContext(host(), own);
    }

    /** Peers 1..count, generation 0. */
    public static List<Lease> peers(int count) {
        List<Lease> peers = new ArrayList<>(count);
        for (int n = 1; n <= count; n++) {
            peers.add(peer(n, 0));
        }
        return peers;
    }

    /** Peer n's lease in a generation (0..200). */
    public static Lease peer(int n, int generation) {
        if (n < 1 || n > MAX_PEERS || generation < 0 || generation > 200) {
            throw new IllegalArgumentException(
                    "peer " + n + " generation " + generation + ": peers are 1.." + MAX_PEERS + ", generations 0..200");
        }
        int hi = n >> 8;
        int lo = n & 0xff;
        String mac = String.format("0a:00:%02x:00:%02x:%02x", generation, hi, lo);
        return Lease.newBuilder()
                .setNodeName("bench-peer-" + n)
                .setBackendType("vxlan")
                .setSubnet("10." + hi + "." + lo + ".0/24")
                .setPublicIp("172." + (21 + generation) + "." + hi + "." + lo)
                .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac(mac))
                .build();
    }

    private static NetworkConfig parse(String json) {
        try {
            return NetworkConfig.parse(json);
        } catch (ConfigException e) {
            throw new IllegalStateException("the fleet's network config is invalid: " + json, e);
        }
    }
}
