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

    private ServerDefaults() {
    }

    static void checkTtl(Duration ttl) {
        if (ttl.compareTo(MIN_LEASE_TTL) < 0 || ttl.compareTo(MAX_LEASE_TTL) > 0) {
            throw new IllegalArgumentException("--lease-ttl " + ttl.toSeconds() + "s is out of range; allowed "
                    + MIN_LEASE_TTL.toSeconds() + "s.." + MAX_LEASE_TTL.toDays() + "d");
        }
    }
}
