package io.weft.allocator.store;

/**
 * An address's claim key as read from etcd: which node's lease carries the address. weft writes
 * it in the same transaction as the node's lease and claim, on the same etcd lease, so it lives
 * exactly as long as the lease carries the address; every write that gives a node an address
 * compares the address's claim, so no two nodes hold one address at any revision.
 *
 * @param address     the public IP or VTEP MAC
 * @param nodeName    the node whose lease carries it
 * @param modRevision the revision this version of the key was written at
 */
public record AddressClaim(HostAddress address, String nodeName, long modRevision) {}
