package io.weft.client.cli;

import io.weft.api.v1.Lease;
import java.time.Duration;
import java.time.Instant;

/** Leases as the table {@code weftctl leases} and {@code weftctl lease get} print. */
final class LeaseTable {

    private LeaseTable() {}

    static TextTable of(Iterable<Lease> leases, Instant now) {
        TextTable table = new TextTable("SUBNET", "IPV6 SUBNET", "NODE", "PUBLIC IP", "BACKEND", "EXPIRES");
        for (Lease lease : leases) {
            table.row(
                    lease.getSubnet(),
                    lease.getIpv6Subnet(),
                    lease.getNodeName(),
                    publicIps(lease),
                    lease.getBackendType(),
                    expires(lease, now));
        }
        return table;
    }

    /** "reserved", the time left such as "23h59m", or "expired". */
    static String expires(Lease lease, Instant now) {
        if (lease.getReserved()) {
            return "reserved";
        }
        if (!lease.hasExpireTime()) {
            return "-";
        }
        Instant expiry = Instant.ofEpochSecond(
                lease.getExpireTime().getSeconds(), lease.getExpireTime().getNanos());
        Duration left = Duration.between(now, expiry);
        return left.isNegative() || left.isZero() ? "expired" : compact(left);
    }

    /** The two largest units of a duration: 1d2h, 23h59m, 4m10s, 42s. */
    static String compact(Duration duration) {
        long seconds = duration.toSeconds();
        if (seconds < 60) {
            return Math.max(seconds, 0) + "s";
        }
        long days = seconds / 86_400;
        long hours = seconds % 86_400 / 3_600;
        long minutes = seconds % 3_600 / 60;
        if (days > 0) {
            return days + "d" + hours + "h";
        }
        if (hours > 0) {
            return hours + "h" + minutes + "m";
        }
        return minutes + "m" + seconds % 60 + "s";
    }

    private static String publicIps(Lease lease) {
        if (lease.getPublicIpv6().isEmpty()) {
            return lease.getPublicIp();
        }
        return lease.getPublicIp().isEmpty()
                ? lease.getPublicIpv6()
                : lease.getPublicIp() + "," + lease.getPublicIpv6();
    }
}
