package io.weft.node.agent;

import io.weft.api.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds --renew-margin (--subnet-lease-renew-margin) against the leases the allocator hands out:
 * a margin as long as a lease's whole lifetime (the allocator's --lease-ttl) cannot be honoured,
 * and the lease keeper then renews half-way through instead. Said once, as an error naming both
 * values, rather than renewing at a time nobody asked for in silence.
 */
final class RenewMarginCheck {

    private static final Logger LOG = LoggerFactory.getLogger(RenewMarginCheck.class);

    private final Duration margin;
    private boolean said;

    RenewMarginCheck(Duration margin) {
        this.margin = margin;
    }

    /** The problem with a lease just acquired or renewed at {@code now}, if the margin does not fit it. */
    Optional<String> problem(Lease lease, Instant now) {
        if (!lease.hasExpireTime()) {
            return Optional.empty();
        }
        Duration lifetime = Duration.between(
                now,
                Instant.ofEpochSecond(
                        lease.getExpireTime().getSeconds(),
                        lease.getExpireTime().getNanos()));
        if (lifetime.compareTo(margin) > 0) {
            return Optional.empty();
        }
        return Optional.of("the renew margin (" + text(margin) + ") is not shorter than the lease's lifetime ("
                + text(lifetime) + ", the allocator's --lease-ttl): renewing half-way through instead;"
                + " set --renew-margin or --subnet-lease-renew-margin below the TTL");
    }

    /** Logs the problem once per run. */
    void leaseHeld(Lease lease, Instant now) {
        if (!said) {
            problem(lease, now).ifPresent(problem -> {
                said = true;
                LOG.error(problem);
            });
        }
    }

    private static String text(Duration duration) {
        long seconds = Math.max(0, duration.toSeconds());
        if (seconds > 0 && seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        return seconds > 0 && seconds % 60 == 0 ? seconds / 60 + "m" : seconds + "s";
    }
}
