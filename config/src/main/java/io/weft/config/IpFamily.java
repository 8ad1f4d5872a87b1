package io.weft.config;

/** The two IP address families weft allocates subnets for. */
public enum IpFamily {
    IPV4(32, "IPv4"),
    IPV6(128, "IPv6");

    private final int bits;
    private final String label;

    IpFamily(int bits, String label) {
        this.bits = bits;
        this.label = label;
    }

    /** Address width in bits: 32 for IPv4, 128 for IPv6. */
    public int bits() {
        return bits;
    }

    /** "IPv4" or "IPv6", the spelling used in messages and flannel's field names. */
    @Override
    public String toString() {
        return label;
    }
}
