package io.weft.allocator.check;

import io.weft.allocator.store.StoredLease;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The rules over etcd's lease table: keys on expired etcd leases, and etcd leases holding no key. Pure. */
final class EtcdLeaseRules {

    private EtcdLeaseRules() {}

    /** Lease keys whose etcd lease is gone or overdue (as confirmed by a re-read: see {@link EtcdLeaseFacts}). */
    static List<Problem> expiredPresent(List<StoredLease> leases, EtcdLeaseFacts facts) {
        Map<Long, List<StoredLease>> expired = new TreeMap<>();
        for (StoredLease lease : leases) {
            Long remaining = facts.remaining().get(lease.etcdLeaseId());
            if (!lease.reserved() && remaining != null && remaining < 0) {
                expired.computeIfAbsent(lease.etcdLeaseId(), id -> new ArrayList<>())
                        .add(lease);
            }
        }
        List<Problem> problems = new ArrayList<>();
        expired.forEach((id, held) -> {
            for (StoredLease lease : held) {
                problems.add(new Problem(
                        ProblemKind.EXPIRED_PRESENT,
                        lease.subnet().toString(),
                        lease.nodeName().isEmpty() ? List.of() : List.of(lease.nodeName()),
                        LeaseKeyRules.describe(lease) + " is still present but its etcd lease " + hex(id)
                                + (facts.listed().contains(id) ? " is past its expiry" : " no longer exists"),
                        "etcd is behind on revoking expired leases (it revokes about 1,000 a second) or lost "
                                + "them; if it stays: weftctl lease release "
                                + lease.subnet().primary()));
            }
        });
        return problems;
    }

    /** etcd leases that hold no key, other than weft's own emptied buckets. */
    static List<Problem> keyless(EtcdLeaseFacts facts) {
        List<Problem> problems = new ArrayList<>();
        for (EtcdLeaseFacts.KeylessLease lease : facts.keyless()) {
            if (lease.grantedSeconds() == facts.bucketLifetimeSeconds()) {
                continue;
            }
            problems.add(new Problem(
                    ProblemKind.KEYLESS_ETCD_LEASE,
                    hex(lease.id()),
                    List.of(),
                    "etcd lease " + hex(lease.id()) + " (granted " + lease.grantedSeconds() + " s, "
                            + lease.remainingSeconds() + " s left) holds no key; it may belong to another "
                            + "program on this etcd",
                    "if no program uses it, it expires by itself; to drop it now: etcdctl lease revoke "
                            + hex(lease.id())));
        }
        return problems;
    }

    /** etcd's own notation for lease ids (etcdctl prints and takes them in hex). */
    static String hex(long id) {
        return Long.toHexString(id);
    }
}
