package io.weft.node.backend;

import io.weft.api.v1.Lease;
import io.weft.api.v1.VxlanBackendData;
import io.weft.config.ConfigException;
import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import java.util.Set;

/**
 * A small cluster for backend tests: node-a (this node) holds 10.244.1.0/24 and
 * fd00:10:244:1::/64 behind eth0 (192.168.77.2/24, fd00:77::2/64, MTU 1500); peer number n holds
 * 10.244.n.0/24 and fd00:10:244:n::/64.
 */
final class TestCluster {

    static final String SELF = "node-a";
    static final IpAddress SELF_IP = ip("192.168.77.2");
    static final IpAddress SELF_IP6 = ip("fd00:77::2");
    static final ExternalLink ETH0 =
            new ExternalLink("eth0", 1500, Set.of(SELF_IP, SELF_IP6), Set.of(p("192.168.77.0/24"), p("fd00:77::/64")));

    private TestCluster() {}

    static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    static IpPrefix p(String cidr) {
        return IpPrefix.parse(cidr);
    }

    static NetworkConfig config(String backendJson, boolean ipv6) {
        String json = "{\"Network\": \"10.244.0.0/16\", "
                + (ipv6 ? "\"EnableIPv6\": true, \"IPv6Network\": \"fd00:10:244::/56\", " : "")
                + "\"Backend\": " + backendJson + "}";
        try {
            return NetworkConfig.parse(json);
        } catch (ConfigException e) {
            throw new AssertionError(json, e);
        }
    }

    static NetworkConfig vxlan(boolean ipv6, boolean directRouting) {
        return config("{\"Type\": \"vxlan\", \"VNI\": 1, \"DirectRouting\": " + directRouting + "}", ipv6);
    }

    static NetworkConfig hostGw(boolean ipv6) {
        return config("{\"Type\": \"host-gw\"}", ipv6);
    }

    static NodeHost host(NetworkConfig network) {
        return NodeHost.of(SELF, network, ETH0, SELF_IP, network.enableIPv6() ? SELF_IP6 : null);
    }

    static Lease ownLease(NetworkConfig network) {
        Lease.Builder lease = Lease.newBuilder()
                .setNodeName(SELF)
                .setSubnet("10.244.1.0/24")
                .setPublicIp(SELF_IP.toString())
                .setBackendType(network.backend().type());
        if (network.enableIPv6()) {
            lease.setIpv6Subnet("fd00:10:244:1::/64").setPublicIpv6(SELF_IP6.toString());
        }
        return lease.build();
    }

    static NodeContext self(NetworkConfig network) {
        return new NodeContext(host(network), ownLease(network));
    }

    /** The MAC peer n advertises for a family: 0a:00:00:00:0f:nn (IPv4), 0a:00:00:00:6f:nn (IPv6). */
    static String mac(int n, boolean v6) {
        return String.format("0a:00:00:00:%s:%02x", v6 ? "6f" : "0f", n);
    }

    /** A vxlan peer with IPv4 and IPv6 data, public IPs 192.168.77.(100+n) / fd00:77::(100+n) unless given. */
    static Lease.Builder vxlanPeer(int n, String publicIp) {
        return Lease.newBuilder()
                .setNodeName("node-" + n)
                .setBackendType("vxlan")
                .setSubnet("10.244." + n + ".0/24")
                .setPublicIp(publicIp)
                .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac(mac(n, false)))
                .setIpv6Subnet("fd00:10:244:" + Integer.toHexString(n) + "::/64")
                .setPublicIpv6("fd00:78::" + Integer.toHexString(n))
                .setVxlanV6(VxlanBackendData.newBuilder().setVni(1).setVtepMac(mac(n, true)));
    }

    static Lease.Builder hostGwPeer(int n) {
        return Lease.newBuilder()
                .setNodeName("node-" + n)
                .setBackendType("host-gw")
                .setSubnet("10.244." + n + ".0/24")
                .setPublicIp("192.168.77." + (100 + n))
                .setIpv6Subnet("fd00:10:244:" + Integer.toHexString(n) + "::/64")
                .setPublicIpv6("fd00:77::" + Integer.toHexString(100 + n));
    }
}
