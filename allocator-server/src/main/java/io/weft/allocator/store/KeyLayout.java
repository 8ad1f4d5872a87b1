package io.weft.allocator.store;

import io.weft.config.IpFamily;
import io.weft.config.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * flannel's etcd key layout under a prefix (default {@code /coreos.com/network}):
 * {@code <prefix>/config} holds the network config and {@code <prefix>/subnets/<ip>-<len>}
 * (dual stack: {@code <ip4>-<len4>&<ip6>-<len6>}) holds one lease. weft adds its own keys under
 * {@code <prefix>/weft/}, which flanneld never reads: {@code <prefix>/weft/nodes/<node>} is a
 * node's claim, naming the one lease the node holds, and
 * {@code <prefix>/weft/addresses/<kind>/<address>} an address's claim, naming the one node whose
 * lease carries it.
 */
public final class KeyLayout {

    public static final String DEFAULT_PREFIX = "/coreos.com/network";

    private final String prefix;
    private final String configKey;
    private final String subnetsPrefix;
    private final String weftPrefix;
    private final String claimsPrefix;
    private final String addressesPrefix;

    public KeyLayout(String prefix) {
        String trimmed = prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
        if (trimmed.isEmpty() || !trimmed.startsWith("/")) {
            throw new IllegalArgumentException("etcd prefix must start with '/', got \"" + prefix + "\"");
        }
        this.prefix = trimmed;
        this.configKey = trimmed + "/config";
        this.subnetsPrefix = trimmed + "/subnets/";
        this.weftPrefix = trimmed + "/weft/";
        this.claimsPrefix = weftPrefix + "nodes/";
        this.addressesPrefix = weftPrefix + "addresses/";
    }

    public String prefix() {
        return prefix;
    }

    /** Everything weft reads and watches: the config key and every lease key. */
    public String watchPrefix() {
        return prefix + "/";
    }

    public String configKey() {
        return configKey;
    }

    public String subnetsPrefix() {
        return subnetsPrefix;
    }

    /**
     * weft's own keys, beside flannel's: flanneld reads only {@code <prefix>/config} and
     * {@code <prefix>/subnets/}, so it never sees them.
     */
    public String weftPrefix() {
        return weftPrefix;
    }

    /**
     * The key a history read writes so that etcd's history surely holds an event after the
     * revision the read must reach (a watch has no end revision). Under weft's own keys, where
     * every reader ignores it.
     */
    public String replayMarkKey() {
        return weftPrefix + "replay-mark";
    }

    /**
     * Everything under the prefix cut into contiguous key ranges, in key order, at the edges of
     * each key family (lease keys, node claims, each kind of address claim): the keys from the
     * first to the last, each range given by its first key and the next range's first key.
     * A snapshot reads each range on its own because etcd 3.4 walks the whole of a Range's
     * [key, end) in its index even when it answers only {@code limit} keys: paging over the whole
     * prefix costs (keys / page) x keys, and at 250,000 leases (a million keys) that is minutes;
     * a page within one family walks only what is left of that family.
     */
    public List<String> snapshotCuts() {
        TreeSet<String> cuts = new TreeSet<>();
        cuts.add(watchPrefix());
        cuts.add(prefixEnd(watchPrefix()));
        List<String> families = new ArrayList<>(List.of(subnetsPrefix, claimsPrefix));
        for (HostAddress.Kind kind : HostAddress.Kind.values()) {
            families.add(addressesPrefix + kind.keySegment() + "/");
        }
        for (String family : families) {
            cuts.add(family);
            cuts.add(prefixEnd(family));
        }
        return List.copyOf(cuts);
    }

    /** The first key after every key that starts with {@code prefix} (etcd's range end for a prefix). */
    public static String prefixEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    /** The key that names the one lease a node holds ({@code <prefix>/weft/nodes/<node>}). */
    public String claimKey(String nodeName) {
        return claimsPrefix + nodeName;
    }

    /** The node a claim key belongs to; empty for any other key, or a name that is no node name. */
    public Optional<String> parseClaimKey(String key) {
        if (!key.startsWith(claimsPrefix)) {
            return Optional.empty();
        }
        return Optional.of(key.substring(claimsPrefix.length())).filter(LeaseValue::isNodeName);
    }

    /** The key that names the node holding an address ({@code <prefix>/weft/addresses/<kind>/<address>}). */
    public String addressKey(HostAddress address) {
        return addressesPrefix + address.kind().keySegment() + "/" + address.text();
    }

    /** The address an address claim key is for; empty for any other key. */
    public Optional<HostAddress> parseAddressKey(String key) {
        if (!key.startsWith(addressesPrefix)) {
            return Optional.empty();
        }
        String rest = key.substring(addressesPrefix.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || slash == rest.length() - 1) {
            return Optional.empty();
        }
        return HostAddress.Kind.ofKeySegment(rest.substring(0, slash))
                .map(kind -> new HostAddress(kind, rest.substring(slash + 1)));
    }

    /** The lease key's name below the subnets prefix, as a claim key's value holds it. */
    public String leaseKeyName(SubnetKey subnet) {
        return leaseKey(subnet).substring(subnetsPrefix.length());
    }

    /** Parses a claim key's value (a lease key's name below the subnets prefix). */
    public Optional<SubnetKey> parseLeaseKeyName(String name) {
        return parseLeaseKey(subnetsPrefix + name);
    }

    public String leaseKey(SubnetKey subnet) {
        StringBuilder key = new StringBuilder(subnetsPrefix);
        if (subnet.ipv4() != null) {
            key.append(keyPart(subnet.ipv4()));
        }
        if (subnet.ipv6() != null) {
            if (subnet.ipv4() != null) {
                key.append('&');
            }
            key.append(keyPart(subnet.ipv6()));
        }
        return key.toString();
    }

    /**
     * Parses a lease key. Empty for keys that are not under the subnets prefix or do not name
     * subnets (garbage is the caller's to skip and count, never to act on).
     */
    public Optional<SubnetKey> parseLeaseKey(String key) {
        if (!key.startsWith(subnetsPrefix)) {
            return Optional.empty();
        }
        String name = key.substring(subnetsPrefix.length());
        int amp = name.indexOf('&');
        try {
            if (amp < 0) {
                IpPrefix only = parsePart(name);
                return Optional.of(
                        only.family() == IpFamily.IPV4 ? new SubnetKey(only, null) : new SubnetKey(null, only));
            }
            IpPrefix v4 = parsePart(name.substring(0, amp));
            IpPrefix v6 = parsePart(name.substring(amp + 1));
            if (v4.family() != IpFamily.IPV4 || v6.family() != IpFamily.IPV6) {
                return Optional.empty();
            }
            return Optional.of(new SubnetKey(v4, v6));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static String keyPart(IpPrefix subnet) {
        return subnet.address() + "-" + subnet.length();
    }

    private static IpPrefix parsePart(String part) {
        int dash = part.lastIndexOf('-');
        if (dash <= 0) {
            throw new IllegalArgumentException("no '-' in " + part);
        }
        return IpPrefix.parse(part.substring(0, dash) + "/" + part.substring(dash + 1));
    }
}
