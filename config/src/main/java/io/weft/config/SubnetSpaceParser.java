package io.weft.config;

/**
 * Reads one family's Network, SubnetLen, SubnetMin and SubnetMax fields, applies flannel's
 * defaults and checks every rule, recording each problem rather than stopping at the first.
 * Checks that depend on an invalid field are skipped so one mistake is reported once.
 */
final class SubnetSpaceParser {

    private final FamilyRules rules;
    private final JsonFields fields;

    SubnetSpaceParser(FamilyRules rules, JsonFields fields) {
        this.rules = rules;
        this.fields = fields;
    }

    /** The space for an enabled family, or null when a problem was recorded. */
    SubnetSpace parseEnabled() {
        IpPrefix network = parseNetwork();
        int problemsBefore = problemCount();
        Integer subnetLen = subnetLength(network);
        IpAddress min = parseBound(rules.subnetMinField, network, subnetLen);
        IpAddress max = parseBound(rules.subnetMaxField, network, subnetLen);
        if (network == null || subnetLen == null || problemCount() > problemsBefore) {
            return null;
        }
        int hostBits = rules.family.bits() - subnetLen;
        if (min == null) {
            // flannel skips the first subnet: its network address would clash with the network's own.
            Uint128 second = network.address().value().plus(Uint128.powerOfTwo(hostBits));
            min = IpAddress.of(rules.family, second);
        }
        if (max == null) {
            Uint128 last = network.lastAddress().value().and(IpPrefix.mask(rules.family, subnetLen));
            max = IpAddress.of(rules.family, last);
        }
        if (min.compareTo(max) > 0) {
            fields.problem(rules.subnetMinField, min + " is after " + rules.subnetMaxField + " " + max);
            return null;
        }
        return new SubnetSpace(network, subnetLen, IpPrefix.of(min, subnetLen), IpPrefix.of(max, subnetLen));
    }

    /**
     * For a disabled family: only checks that present fields are well-formed, as flanneld's JSON
     * decoder would refuse the whole config otherwise.
     */
    void checkDisabled() {
        if (fields.string(rules.networkField).isPresent()) {
            parseNetwork();
        }
        fields.integer(rules.subnetLenField);
        parseBound(rules.subnetMinField, null, null);
        parseBound(rules.subnetMaxField, null, null);
    }

    private IpPrefix parseNetwork() {
        var text = fields.string(rules.networkField);
        if (text.isEmpty()) {
            if (!fields.has(rules.networkField)) {
                fields.problem(
                        rules.networkField,
                        "missing; required when " + rules.enableField + " is true, e.g. " + exampleNetwork());
            }
            return null;
        }
        IpPrefix network;
        try {
            network = IpPrefix.parse(text.get());
        } catch (IllegalArgumentException e) {
            fields.problem(rules.networkField, e.getMessage());
            return null;
        }
        if (network.family() != rules.family) {
            fields.problem(
                    rules.networkField,
                    network + " is an " + network.family()
                            + " prefix; " + rules.networkField + " must be " + rules.family + " ("
                            + network.family() + " networks go in " + rules.otherNetworkField + ")");
            return null;
        }
        var reserved = ReservedRange.overlapping(network);
        if (reserved.isPresent()) {
            fields.problem(
                    rules.networkField,
                    network + " overlaps " + reserved.get()
                            + "; a pod network must be clear of " + ReservedRange.list(rules.family) + ", e.g. "
                            + exampleNetwork());
            return null;
        }
        return network;
    }

    /**
     * SubnetLen after defaults, or null when it or the network is invalid. Its JSON type is checked
     * even without a network so that mistake is reported in the same pass.
     */
    private Integer subnetLength(IpPrefix network) {
        boolean present = fields.has(rules.subnetLenField);
        var given = fields.integer(rules.subnetLenField);
        if (network == null || (present && given.isEmpty())) {
            return null;
        }
        int lowest = rules.minSubnetLen(network);
        int highest = rules.maxSubnetLen;
        // flannel reads 0 as "not set" (Go's zero value), so it gets the default too.
        if (given.isEmpty() || given.get() == 0) {
            if (network.length() > rules.maxNetworkPrefix) {
                fields.problem(rules.networkField, tooSmall(network));
                return null;
            }
            return rules.defaultSubnetLen(network);
        }
        long length = given.get();
        if (lowest > highest) {
            fields.problem(
                    rules.subnetLenField, length + " cannot be used: " + rules.networkField + " " + tooSmall(network));
            return null;
        }
        if (length < lowest || length > highest) {
            fields.problem(
                    rules.subnetLenField,
                    length + " is out of range; allowed " + lowest + ".." + highest + " for " + rules.networkField + " "
                            + network);
            return null;
        }
        return (int) length;
    }

    private String tooSmall(IpPrefix network) {
        return network + " is too small to split into subnets; its prefix length must be at most "
                + rules.maxNetworkPrefix;
    }

    /**
     * A SubnetMin/SubnetMax address, or null when absent or invalid. Checks containment when the
     * network is known and alignment when the subnet length is too.
     */
    private IpAddress parseBound(String field, IpPrefix network, Integer subnetLen) {
        var text = fields.string(field);
        if (text.isEmpty()) {
            return null;
        }
        IpAddress address;
        try {
            address = IpAddress.parse(text.get());
        } catch (IllegalArgumentException e) {
            String hint = text.get().contains("/")
                    ? "; write the subnet's first address, e.g. " + exampleSubnetAddress()
                    : "";
            fields.problem(field, e.getMessage() + hint);
            return null;
        }
        if (address.family() != rules.family) {
            fields.problem(
                    field,
                    address + " is an " + address.family() + " address; " + field + " must be " + rules.family
                            + " like " + rules.networkField);
            return null;
        }
        if (network == null) {
            return address;
        }
        if (!network.contains(address)) {
            fields.problem(field, address + " is outside " + rules.networkField + " " + network);
            return null;
        }
        if (subnetLen != null) {
            Uint128 aligned = address.value().and(IpPrefix.mask(rules.family, subnetLen));
            if (!aligned.equals(address.value())) {
                fields.problem(
                        field,
                        address + " is not aligned to " + rules.subnetLenField + " " + subnetLen + "; did you mean "
                                + IpAddress.of(rules.family, aligned) + "?");
                return null;
            }
        }
        return address;
    }

    private int problemCount() {
        return fields.problemCount();
    }

    private String exampleNetwork() {
        return rules.family == IpFamily.IPV4 ? "10.244.0.0/16" : "fd00:10:244::/56";
    }

    private String exampleSubnetAddress() {
        return rules.family == IpFamily.IPV4 ? "10.244.1.0" : "fd00:10:244:1::";
    }
}
