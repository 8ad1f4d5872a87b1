package io.weft.allocator.check;

/** What a {@link Problem} is about; the names are the wire's {@code Problem.kind}. */
public enum ProblemKind {
    NO_CONFIG,
    UNREADABLE_KEY,
    DUPLICATE_NODE,
    DUPLICATE_ADDRESS,
    OUTSIDE_NETWORK,
    OUTSIDE_RANGE,
    OVERLAP,
    RESERVATION_OVERLAP,
    EXPIRED_PRESENT,
    KEYLESS_ETCD_LEASE,
    STALE_NODE_CLAIM,
    STALE_ADDRESS_CLAIM
}
