package io.weft.client;

import io.weft.api.v1.Lease;

/**
 * The one rule naming a lease: its IPv4 subnet, else (on an IPv6-only network) its IPv6 subnet.
 * RenewLease and ReleaseLease take this name, and the watch's view is keyed by it.
 */
public final class LeaseKey {

    private LeaseKey() {}

    /** 10.244.1.0/24, or fd00:1::/64 for a lease without an IPv4 subnet; "" for a lease with neither. */
    public static String of(Lease lease) {
        return lease.getSubnet().isEmpty() ? lease.getIpv6Subnet() : lease.getSubnet();
    }
}
