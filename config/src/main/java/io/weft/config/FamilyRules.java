package io.weft.config;

/**
 * flannel's per-family field names and subnet-length rules. The IPv4 and IPv6 rules have the same
 * shape and differ only in these numbers, so one parser ({@link SubnetSpaceParser}) serves both.
 */
enum FamilyRules {
    IPV4(IpFamily.IPV4, "EnableIPv4", "Network", "SubnetLen", "SubnetMin", "SubnetMax", "IPv6Network", 30, 22, 24, 28),
    IPV6(
            IpFamily.IPV6,
            "EnableIPv6",
            "IPv6Network",
            "IPv6SubnetLen",
            "IPv6SubnetMin",
            "IPv6SubnetMax",
            "Network",
            126,
            62,
            64,
            124);

    final IpFamily family;
    final String enableField;
    final String networkField;
    final String subnetLenField;
    final String subnetMinField;
    final String subnetMaxField;
    /** Where a network of the other family belongs, for the wrong-family hint. */
    final String otherNetworkField;
    /** Longest subnet length allowed (leaves room for a bridge and a tunnel address per host). */
    final int maxSubnetLen;
    /** Networks with a prefix up to this long get {@link #largeNetworkSubnetLen} by default... */
    final int defaultLenUpToPrefix;

    final int largeNetworkSubnetLen;
    /** ...longer ones get prefix + 2, and a prefix longer than this cannot be split at all. */
    final int maxNetworkPrefix;

    FamilyRules(
            IpFamily family,
            String enableField,
            String networkField,
            String subnetLenField,
            String subnetMinField,
            String subnetMaxField,
            String otherNetworkField,
            int maxSubnetLen,
            int defaultLenUpToPrefix,
            int largeNetworkSubnetLen,
            int maxNetworkPrefix) {
        this.family = family;
        this.enableField = enableField;
        this.networkField = networkField;
        this.subnetLenField = subnetLenField;
        this.subnetMinField = subnetMinField;
        this.subnetMaxField = subnetMaxField;
        this.otherNetworkField = otherNetworkField;
        this.maxSubnetLen = maxSubnetLen;
        this.defaultLenUpToPrefix = defaultLenUpToPrefix;
        this.largeNetworkSubnetLen = largeNetworkSubnetLen;
        this.maxNetworkPrefix = maxNetworkPrefix;
    }

    /**
     * The shortest subnet length allowed for a network: flannel skips the first subnet, so a
     * network must split into at least four for more than one host to get a useful subnet.
     */
    int minSubnetLen(IpPrefix network) {
        return network.length() + 2;
    }

    /** flannel's default SubnetLen; only valid when {@code network.length() <= maxNetworkPrefix}. */
    int defaultSubnetLen(IpPrefix network) {
        return network.length() <= defaultLenUpToPrefix ? largeNetworkSubnetLen : network.length() + 2;
    }
}
