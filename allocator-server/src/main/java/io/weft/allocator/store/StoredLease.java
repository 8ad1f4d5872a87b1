package io.weft.allocator.store;

/**
 * One lease key as read from etcd.
 *
 * @param subnet      the subnets named by the key
 * @param value       the parsed value
 * @param etcdLeaseId the etcd lease the key is attached to; 0 for a reservation
 * @param modRevision the revision this version of the key was written at
 */
public record StoredLease(SubnetKey subnet, LeaseValue value, long etcdLeaseId, long modRevision) {

    public boolean reserved() {
        return etcdLeaseId == 0;
    }

    public String nodeName() {
        return value.nodeName();
    }
}
