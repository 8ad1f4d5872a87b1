package io.weft.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A validated flannel network config (the JSON at {@code <prefix>/config} in etcd) with every
 * flannel default applied.
 *
 * <p>{@link #json()} keeps the text exactly as the operator wrote it: weft stores that verbatim so
 * flanneld reads the same document. The accessors named after flannel's fields ({@link
 * #network()}, {@link #subnetLen()}, ...) give the values after defaults; those of a disabled
 * family are {@code null} (addresses and prefixes) or 0 (lengths).
 *
 * @param enableIPv4 EnableIPv4 (default true)
 * @param enableIPv6 EnableIPv6 (default false)
 * @param ipv4 the leasable IPv4 subnets, present exactly when IPv4 is enabled
 * @param ipv6 the leasable IPv6 subnets, present exactly when IPv6 is enabled
 * @param backend the Backend section after defaults
 * @param json the original JSON text
 */
public record NetworkConfig(
        boolean enableIPv4,
        boolean enableIPv6,
        Optional<SubnetSpace> ipv4,
        Optional<SubnetSpace> ipv6,
        BackendConfig backend,
        String json) {

    /**
     * @throws IllegalArgumentException when a space is present for a disabled family (or missing
     *     for an enabled one), has the wrong family, or neither family is enabled
     */
    public NetworkConfig {
        Objects.requireNonNull(ipv4, "ipv4");
        Objects.requireNonNull(ipv6, "ipv6");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(json, "json");
        if (ipv4.isPresent() != enableIPv4 || ipv6.isPresent() != enableIPv6) {
            throw new IllegalArgumentException("a subnet space must be given exactly for each enabled" + " family");
        }
        if (!enableIPv4 && !enableIPv6) {
            throw new IllegalArgumentException("at least one of IPv4 and IPv6 must be enabled");
        }
        if (ipv4.map(SubnetSpace::family).orElse(IpFamily.IPV4) != IpFamily.IPV4
                || ipv6.map(SubnetSpace::family).orElse(IpFamily.IPV6) != IpFamily.IPV6) {
            throw new IllegalArgumentException("ipv4 and ipv6 spaces must have those families");
        }
    }

    /**
     * Parses and validates a network config, reporting every problem at once.
     *
     * @throws ConfigException listing each problem with flannel's field name and the allowed values
     */
    public static NetworkConfig parse(String json) throws ConfigException {
        return NetworkConfigParser.parse(json);
    }

    /** Network, e.g. 10.244.0.0/16; null when IPv4 is disabled. */
    public IpPrefix network() {
        return ipv4.map(SubnetSpace::network).orElse(null);
    }

    /** SubnetLen after defaults; 0 when IPv4 is disabled. */
    public int subnetLen() {
        return ipv4.map(SubnetSpace::subnetLength).orElse(0);
    }

    /** SubnetMin after defaults (first address of the first leasable subnet); null when disabled. */
    public IpAddress subnetMin() {
        return ipv4.map(space -> space.min().address()).orElse(null);
    }

    /** SubnetMax after defaults (first address of the last leasable subnet); null when disabled. */
    public IpAddress subnetMax() {
        return ipv4.map(space -> space.max().address()).orElse(null);
    }

    /** IPv6Network, e.g. fd00:10:244::/56; null when IPv6 is disabled. */
    public IpPrefix ipv6Network() {
        return ipv6.map(SubnetSpace::network).orElse(null);
    }

    /** IPv6SubnetLen after defaults; 0 when IPv6 is disabled. */
    public int ipv6SubnetLen() {
        return ipv6.map(SubnetSpace::subnetLength).orElse(0);
    }

    /** IPv6SubnetMin after defaults; null when IPv6 is disabled. */
    public IpAddress ipv6SubnetMin() {
        return ipv6.map(space -> space.min().address()).orElse(null);
    }

    /** IPv6SubnetMax after defaults; null when IPv6 is disabled. */
    public IpAddress ipv6SubnetMax() {
        return ipv6.map(space -> space.max().address()).orElse(null);
    }
}
