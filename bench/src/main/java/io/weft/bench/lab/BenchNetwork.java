package io.weft.bench.lab;

import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.VxlanBackendData;
import java.util.Locale;

/**
 * The network configs the figures allocate from (flannel's net-conf JSON, vxlan backend) and
 * the AcquireLease request a node {@code i} sends on each: a distinct public address and VTEP
 * MAC per node, as real hosts would have.
 */
public enum BenchNetwork {

    /** 10.0.0.0/8 in /24s: 65,535 subnets (flannel skips the first). Issue 4's scale network. */
    IPV4_8_IN_24("{\"Network\": \"10.0.0.0/8\", \"SubnetLen\": 24, \"Backend\": {\"Type\": \"vxlan\"}}", false),
    /** 10.0.0.0/8 in /25s: room for the 65,536 leases of figure 6. */
    IPV4_8_IN_25("{\"Network\": \"10.0.0.0/8\", \"SubnetLen\": 25, \"Backend\": {\"Type\": \"vxlan\"}}", false),
    /** 10.0.0.0/8 in /26s: 262,143 subnets, so throughput runs never fill the network. */
    IPV4_8_IN_26("{\"Network\": \"10.0.0.0/8\", \"SubnetLen\": 26, \"Backend\": {\"Type\": \"vxlan\"}}", false),
    /** fd00::/32 in /64s: 2^32 subnets, IPv6 only. */
    IPV6_32_IN_64(
            "{\"EnableIPv4\": false, \"EnableIPv6\": true, \"IPv6Network\": \"fd00::/32\","
                    + " \"IPv6SubnetLen\": 64, \"Backend\": {\"Type\": \"vxlan\"}}",
            true),
    /** fd00:0:0:100::/56 in /64s: 256 subnets, IPv6 only; the small space figure 2 compares with. */
    IPV6_56_IN_64(
            "{\"EnableIPv4\": false, \"EnableIPv6\": true, \"IPv6Network\": \"fd00:0:0:100::/56\","
                    + " \"IPv6SubnetLen\": 64, \"Backend\": {\"Type\": \"vxlan\"}}",
            true);

    private static final int VNI = 1;

    private final String json;
    private final boolean ipv6Only;

    BenchNetwork(String json, boolean ipv6Only) {
        this.json = json;
        this.ipv6Only = ipv6Only;
    }

    public String json() {
        return json;
    }

    /** Node {@code i}'s request: public address 172.16.0.0 + i (or fd99::i), MAC 0a:58:i. */
    public AcquireLeaseRequest request(String nodeName, int i) {
        VxlanBackendData vtep =
                VxlanBackendData.newBuilder().setVni(VNI).setVtepMac(mac(i)).build();
        AcquireLeaseRequest.Builder request =
                AcquireLeaseRequest.newBuilder().setNodeName(nodeName).setBackendType("vxlan");
        if (ipv6Only) {
            return request.setPublicIpv6(String.format(Locale.ROOT, "fd99::%x:%x", i >>> 16, i & 0xffff))
                    .setVxlanV6(vtep)
                    .build();
        }
        return request.setPublicIp(publicIpv4(i)).setVxlan(vtep).build();
    }

    /** 172.16.0.0/12 + i: distinct for a million nodes. */
    public static String publicIpv4(int i) {
        int address = (172 << 24) | (16 << 16) | (i & 0xfffff);
        return (address >>> 24) + "." + ((address >>> 16) & 0xff) + "." + ((address >>> 8) & 0xff) + "."
                + (address & 0xff);
    }

    private static String mac(int i) {
        return String.format(
                Locale.ROOT,
                "0a:58:%02x:%02x:%02x:%02x",
                (i >>> 24) & 0xff,
                (i >>> 16) & 0xff,
                (i >>> 8) & 0xff,
                i & 0xff);
    }
}
