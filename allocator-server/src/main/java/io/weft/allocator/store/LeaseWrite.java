package io.weft.allocator.store;

/**
 * One write of a node's lease with its claim ({@link LeaseStore#putWithClaim}).
 *
 * @param subnet                the lease key
 * @param value                 its new value; {@code value.nodeName()} names the claim
 * @param etcdLeaseId           the etcd lease both keys go on (never 0: reservations have no claim)
 * @param expectedModRevision   the lease key's mod revision as the writer saw it; 0 = absent
 * @param expectedClaimRevision the claim key's mod revision as the writer saw it; 0 = absent
 * @param retired               the node's old lease, deleted in the same transaction if its mod
 *                              revision is still the one given; null for none
 * @param addresses             what the write does with the node's address claims: which it puts
 *                              (on the write's etcd lease) and which it deletes
 */
public record LeaseWrite(
        SubnetKey subnet,
        LeaseValue value,
        long etcdLeaseId,
        long expectedModRevision,
        long expectedClaimRevision,
        StoredLease retired,
        AddressFences addresses) {

    public LeaseWrite {
        if (value.nodeName().isEmpty() || etcdLeaseId == 0) {
            throw new IllegalArgumentException("a claimed write needs a node name and an etcd lease");
        }
    }
}
