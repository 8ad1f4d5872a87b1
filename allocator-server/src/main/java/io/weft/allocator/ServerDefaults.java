package io.weft.allocator;

import java.time.Duration;

/** The server's defaults and the bounds it enforces on its own settings. */
public final class ServerDefaults {

    public static final int GRPC_PORT = 7070;
    public static final int HTTP_PORT = 7071;
    /** flannel's lease TTL. */
    public static final Duration LEASE_TTL = Duration.ofHours(24);

    public static final Duration REUSE_QUARANTINE = Duration.ofMinutes(10);
    /** etcd's minimum useful TTL is about 1.5x its election timeout; below 5 s is a mistake. */
    public static final Duration MIN_LEASE_TTL = Duration.ofSeconds(5);

    public static final Duration MAX_LEASE_TTL = Duration.ofDays(365);
    /** kube-apiserver's default for the same job. */
    public static final Duration COMPACTION_INTERVAL = Duration.ofMinutes(5);
    /**
     * The local etcd's {@code --quota-backend-bytes}: 1 GiB. weft's live data is a few hundred
     * bytes a lease (tens of MB at 100,000 leases) and compaction keeps the history to one
     * interval of writes, so this leaves room for a hundredfold, and it keeps a runaway from
     * filling the disk the server shares with it; etcd's own default is 2 GiB.
     */
    public static final long LOCAL_ETCD_QUOTA_BYTES = 1L << 30;

    private ServerDefaults() {}

    static void checkCompactionInterval(Duration interval) {
        if (interval.isNegative() || (!interval.isZero() && interval.compareTo(Duration.ofSeconds(1)) < 0)) {
            throw new IllegalArgumentException("--etcd-compaction-interval " + interval.toMillis() + "ms is out of "
                    + "range; allowed 0 (off) or at least 1s");
        }
    }

    static void checkTtl(Duration ttl) {
        if (ttl.compareTo(MIN_LEASE_TTL) < 0 || ttl.compareTo(MAX_LEASE_TTL) > 0) {
            throw new IllegalArgumentException("--lease-ttl " + ttl.toSeconds() + "s is out of range; allowed "
                    + MIN_LEASE_TTL.toSeconds() + "s.." + MAX_LEASE_TTL.toDays() + "d");
        }
    }
}
