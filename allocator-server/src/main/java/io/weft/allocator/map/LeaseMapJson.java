package io.weft.allocator.map;

import io.vertx.core.json.JsonObject;
import io.weft.allocator.store.SubnetKey;
import io.weft.api.v1.Lease;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import java.util.Optional;
import java.util.function.Function;

/**
 * The lease map's JSON for one lease: what the page draws and shows on hover. Each subnet comes
 * with its index in its family's space (0 at SubnetMin, -1 when outside SubnetMin..SubnetMax),
 * so the browser never does address arithmetic.
 *
 * <pre>{"key":"10.5.3.0/24", "s4":"10.5.3.0/24", "i4":2, "s6":"", "i6":-1, "node":"n1",
 *  "ip":"192.168.1.3", "ip6":"", "backend":"vxlan", "vni":1, "mac":"0a:..", "mac6":"",
 *  "expires":1767225600000, "reserved":false, "chosen":"new", "rev":42}</pre>
 *
 * {@code expires} (epoch milliseconds) is absent when unknown or for reservations; {@code chosen}
 * is empty unless this server wrote the lease.
 */
final class LeaseMapJson {

    private final Optional<NetworkConfig> config;
    private final Function<SubnetKey, Optional<String>> howChosen;

    LeaseMapJson(Optional<NetworkConfig> config, Function<SubnetKey, Optional<String>> howChosen) {
        this.config = config;
        this.howChosen = howChosen;
    }

    JsonObject lease(Lease lease) {
        IpPrefix ipv4 = parse(lease.getSubnet());
        IpPrefix ipv6 = parse(lease.getIpv6Subnet());
        SubnetKey key = ipv4 == null && ipv6 == null ? null : new SubnetKey(ipv4, ipv6);
        JsonObject json = new JsonObject()
                .put("key", key == null ? "" : key.toString())
                .put("s4", lease.getSubnet())
                .put("i4", index(ipv4, config.flatMap(NetworkConfig::ipv4)))
                .put("s6", lease.getIpv6Subnet())
                .put("i6", index(ipv6, config.flatMap(NetworkConfig::ipv6)))
                .put("node", lease.getNodeName())
                .put("ip", lease.getPublicIp())
                .put("ip6", lease.getPublicIpv6())
                .put("backend", lease.getBackendType())
                .put("vni", lease.hasVxlan() ? lease.getVxlan().getVni() : 0)
                .put("mac", lease.hasVxlan() ? lease.getVxlan().getVtepMac() : "")
                .put("mac6", lease.hasVxlanV6() ? lease.getVxlanV6().getVtepMac() : "")
                .put("reserved", lease.getReserved())
                .put("chosen", key == null ? "" : howChosen.apply(key).orElse(""))
                .put("rev", lease.getModRevision());
        if (lease.hasExpireTime()) {
            json.put(
                    "expires",
                    lease.getExpireTime().getSeconds() * 1000
                            + lease.getExpireTime().getNanos() / 1_000_000);
        }
        return json;
    }

    static long index(IpPrefix subnet, Optional<SubnetSpace> space) {
        if (subnet == null || space.isEmpty()) {
            return -1;
        }
        return space.get().indexOf(subnet);
    }

    private static IpPrefix parse(String cidr) {
        if (cidr.isEmpty()) {
            return null;
        }
        try {
            return IpPrefix.parse(cidr);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
