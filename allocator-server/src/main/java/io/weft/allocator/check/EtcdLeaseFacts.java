package io.weft.allocator.check;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What etcd's lease table said, read after the keys' snapshot.
 *
 * @param listed    every etcd lease id etcd lists (LeaseLeases)
 * @param remaining seconds to expiry of the etcd leases that lease keys are attached to, for
 *                  those asked; negative when etcd no longer has the lease or it is overdue.
 *                  Only leases whose keys were re-read and found still attached appear with a
 *                  negative value, so a key released while the check ran is not reported
 * @param unchecked etcd leases held by keys whose expiry was not asked (past the check's limit)
 * @param keyless   etcd leases no key under the prefix references that hold no key at all
 * @param bucketLifetimeSeconds the TTL this server grants its shared leases with: a keyless lease
 *                  granted with it is one of weft's own, emptied by renewals, and expires by itself
 */
public record EtcdLeaseFacts(
        Set<Long> listed,
        Map<Long, Long> remaining,
        int unchecked,
        List<KeylessLease> keyless,
        long bucketLifetimeSeconds) {

    /**
     * An etcd lease that holds no key.
     *
     * @param id               its id
     * @param grantedSeconds   the TTL it was granted with
     * @param remainingSeconds the seconds it has left
     */
    public record KeylessLease(long id, long grantedSeconds, long remainingSeconds) {}

    public EtcdLeaseFacts {
        listed = Set.copyOf(listed);
        remaining = Map.copyOf(remaining);
        keyless = List.copyOf(keyless);
    }
}
