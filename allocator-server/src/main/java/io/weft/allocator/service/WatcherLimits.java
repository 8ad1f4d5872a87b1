package io.weft.allocator.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.HashMap;
import java.util.Map;

/**
 * Counts open watch streams, in total and per caller identity, and refuses one more past either
 * limit with RESOURCE_EXHAUSTED naming the limit and its flag. An anonymous caller (no client
 * certificate: the identity is empty) counts only toward the total, since without certificates
 * nothing tells callers apart reliably (many nodes may share one address behind NAT).
 *
 * <p>Thread-safe. Every successful {@link #admit} must be matched by one {@link #release}.
 */
final class WatcherLimits {

    private final int total;
    private final int perIdentity;
    private final Map<String, Integer> open = new HashMap<>();
    private int openTotal;

    WatcherLimits(int total, int perIdentity) {
        this.total = total;
        this.perIdentity = perIdentity;
    }

    /** Counts one more stream for the identity, or throws RESOURCE_EXHAUSTED. */
    synchronized void admit(String identity) {
        if (openTotal >= total) {
            throw exhausted("this server has " + openTotal + " watch streams open, the limit (--max-watchers) is "
                    + total + "; retry later or on another replica");
        }
        int mine = identity.isEmpty() ? 0 : open.getOrDefault(identity, 0);
        if (!identity.isEmpty() && mine >= perIdentity) {
            throw exhausted("identity " + identity + " has " + mine + " watch streams open, the limit "
                    + "(--max-watchers-per-identity) is " + perIdentity + "; close one first");
        }
        openTotal++;
        if (!identity.isEmpty()) {
            open.merge(identity, 1, Integer::sum);
        }
    }

    synchronized void release(String identity) {
        openTotal--;
        if (!identity.isEmpty()) {
            open.computeIfPresent(identity, (name, count) -> count == 1 ? null : count - 1);
        }
    }

    synchronized int open() {
        return openTotal;
    }

    private static StatusRuntimeException exhausted(String description) {
        return Status.RESOURCE_EXHAUSTED.withDescription(description).asRuntimeException();
    }
}
