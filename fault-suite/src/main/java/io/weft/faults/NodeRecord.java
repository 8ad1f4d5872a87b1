package io.weft.faults;

import java.time.Instant;

/**
 * What one simulated node was told by the allocator, as it happened. Times are the node's wall
 * clock, which every process of the suite shares (all run on one host), so they compare with the
 * servers' {@code expire_time}.
 */
public sealed interface NodeRecord {

    String node();

    /** When the node learnt of it (for a release: when it decided to give the subnet up). */
    Instant at();

    /**
     * The server acknowledged an acquisition or renewal: from {@code at} until {@code expireTime}
     * the node may use {@code subnet}, which etcd holds at {@code modRevision}.
     */
    record Acked(String node, String subnet, long modRevision, Instant expireTime, Instant at) implements NodeRecord {}

    /**
     * The node gave {@code subnet} up at {@code at} (it stops using it before asking) and the
     * server acknowledged the deletion at {@code revision} (0: nothing was deleted).
     */
    record Released(String node, String subnet, long revision, Instant at) implements NodeRecord {}

    /** The node's keeper reported the lease lost (expired unrenewed, or gone on the server). */
    record Lost(String node, String subnet, Instant at) implements NodeRecord {}
}
