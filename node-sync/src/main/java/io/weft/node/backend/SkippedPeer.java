package io.weft.node.backend;

import java.util.Objects;

/**
 * A remote lease (or one family of it) a backend could not use, and why: shown to the operator
 * and counted, never fatal.
 *
 * @param peer   the peer's node name, or its subnet for leases flanneld wrote
 * @param kind   the group it is counted under in the summary log, e.g. {@code overlaps this host's addresses}
 * @param reason e.g. {@code IPv4: VTEP MAC "zz" is not a MAC address like 0a:58:0a:f4:01:01}
 */
public record SkippedPeer(String peer, String kind, String reason) {

    /** The kind of a lease that is malformed or of no use here (wrong backend, no VTEP, ...). */
    public static final String UNUSABLE = "unusable lease";

    public SkippedPeer {
        Objects.requireNonNull(peer);
        Objects.requireNonNull(kind);
        Objects.requireNonNull(reason);
    }

    public SkippedPeer(String peer, String reason) {
        this(peer, UNUSABLE, reason);
    }

    @Override
    public String toString() {
        return peer + ": " + reason;
    }
}
