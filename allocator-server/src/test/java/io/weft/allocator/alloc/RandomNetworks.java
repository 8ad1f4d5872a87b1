package io.weft.allocator.alloc;

import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpAddress;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import java.util.Optional;
import java.util.Random;

/**
 * Random but valid network configs of any prefix lengths (IPv4 inside 10.0.0.0/8, IPv6 inside
 * fd00::/8), and random lease keys of any length near a config's networks: the shapes a forced
 * config change or keys written straight into etcd can leave behind.
 */
final class RandomNetworks {

    private final Random random;

    RandomNetworks(Random random) {
        this.random = random;
    }

    /** IPv4 only, IPv6 only or dual-stack, with random lengths and sometimes SubnetMin/Max. */
    String config() {
        int families = random.nextInt(3);
        boolean v4 = families != 1;
        boolean v6 = families != 0;
        StringBuilder json = new StringBuilder("{");
        if (v4) {
            json.append(family("", prefix(false, 8 + random.nextInt(21)), 30));
        } else {
            json.append("\"EnableIPv4\":false");
        }
        if (v6) {
            json.append(",\"EnableIPv6\":true,").append(family("IPv6", prefix(true, 8 + random.nextInt(115)), 124));
        }
        return json.append(",\"Backend\":{\"Type\":\"vxlan\"}}").toString();
    }

    /** The issue's case: fd00:10::/56 in /64s, or the same network forced to /120s. */
    static String issueConfig(int subnetLength) {
        return "{\"EnableIPv4\":false,\"EnableIPv6\":true,\"IPv6Network\":\"fd00:10::/56\",\"IPv6SubnetLen\":"
                + subnetLength + ",\"Backend\":{\"Type\":\"vxlan\"}}";
    }

    private String family(String field, IpPrefix network, int longest) {
        int subnetLength = network.length() + 2 + random.nextInt(longest - network.length() - 1);
        StringBuilder json = new StringBuilder(
                "\"" + field + "Network\":\"" + network + "\",\"" + field + "SubnetLen\":" + subnetLength);
        if (random.nextInt(3) == 0) {
            IpPrefix a = IpPrefix.containing(inside(network), subnetLength);
            IpPrefix b = IpPrefix.containing(inside(network), subnetLength);
            IpPrefix min = a.compareTo(b) <= 0 ? a : b;
            IpPrefix max = a.compareTo(b) <= 0 ? b : a;
            json.append(",\"")
                    .append(field)
                    .append("SubnetMin\":\"")
                    .append(min.address())
                    .append("\",\"")
                    .append(field)
                    .append("SubnetMax\":\"")
                    .append(max.address())
                    .append('"');
        }
        return json.toString();
    }

    /** A key for the config's families: a subnet of the space, or any prefix overlapping the network. */
    SubnetKey key(NetworkConfig config) {
        IpPrefix v4 = config.ipv4().map(this::part).orElse(null);
        IpPrefix v6 = config.ipv6().map(this::part).orElse(null);
        if (v4 != null && v6 != null && random.nextInt(8) == 0) {
            return random.nextBoolean() ? new SubnetKey(v4, null) : new SubnetKey(null, v6);
        }
        return new SubnetKey(v4, v6);
    }

    /** A subnet length from the space, or any length from a little shorter than the network to a host. */
    IpPrefix part(SubnetSpace space) {
        IpPrefix network = space.network();
        int bits = network.family().bits();
        int length = random.nextInt(3) > 0
                ? space.subnetLength()
                : Math.max(0, network.length() - 2) + random.nextInt(bits - Math.max(0, network.length() - 2) + 1);
        return IpPrefix.containing(inside(network), length);
    }

    private IpPrefix prefix(boolean v6, int length) {
        return IpPrefix.containing(randomAddress(v6), length);
    }

    private IpAddress inside(IpPrefix network) {
        byte[] bytes = randomAddress(network.family().bits() == 128).toBytes();
        byte[] base = network.address().toBytes();
        for (int bit = 0; bit < network.length(); bit++) {
            int mask = 0x80 >>> (bit % 8);
            bytes[bit / 8] = (byte) ((bytes[bit / 8] & ~mask) | (base[bit / 8] & mask));
        }
        return IpAddress.fromBytes(bytes);
    }

    private IpAddress randomAddress(boolean v6) {
        byte[] bytes = new byte[v6 ? 16 : 4];
        random.nextBytes(bytes);
        bytes[0] = (byte) (v6 ? 0xfd : 10);
        return IpAddress.fromBytes(bytes);
    }

    static Optional<SubnetSpace> space(NetworkConfig config, boolean v6) {
        return v6 ? config.ipv6() : config.ipv4();
    }
}
