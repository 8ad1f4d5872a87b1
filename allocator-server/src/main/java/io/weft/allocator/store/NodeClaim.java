package io.weft.allocator.store;

/**
 * A node's claim key as read from etcd: which lease the node holds. weft writes it in the same
 * transaction as the lease key and on the same etcd lease, and every write of a node's lease
 * compares the claim's mod revision, so one node name never holds two leases at any revision,
 * whatever the number of replicas, retries and lost replies.
 *
 * @param nodeName    the node the claim belongs to
 * @param subnet      the lease it names, or null when the value does not parse
 * @param modRevision the revision this version of the claim key was written at
 */
public record NodeClaim(String nodeName, SubnetKey subnet, long modRevision) {}
