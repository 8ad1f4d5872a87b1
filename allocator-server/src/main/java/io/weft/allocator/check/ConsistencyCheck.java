package io.weft.allocator.check;

import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.ConfigException;
import io.weft.config.NetworkConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every consistency rule over one snapshot of the prefix and etcd's lease table, like
 * {@code calicoctl ipam check}: pure (the caller reads etcd), so each rule is proven on crafted
 * input. The rules live with what they look at: {@link LeaseKeyRules}, {@link ClaimRules},
 * {@link EtcdLeaseRules}.
 */
public final class ConsistencyCheck {

    private final KeyLayout layout;

    public ConsistencyCheck(KeyLayout layout) {
        this.layout = layout;
    }

    /** Every problem, in {@link Problem#ORDER}. */
    public List<Problem> problems(Snapshot snapshot, EtcdLeaseFacts facts) {
        List<StoredLease> leases = snapshot.leases();
        List<Problem> problems = new ArrayList<>();
        config(snapshot, leases, problems);
        for (StoreEvent.Skipped skipped : snapshot.skipped()) {
            problems.add(new Problem(
                    ProblemKind.UNREADABLE_KEY,
                    skipped.key(),
                    List.of(),
                    skipped.reason(),
                    skipped.subnet() == null
                            ? "not weft's or flanneld's: move it off the prefix or delete it: etcdctl del "
                                    + skipped.key()
                            : "its subnet stays taken until the key is fixed or deleted: etcdctl del " + skipped.key()
                                    + " (a live holder writes it back at its next renewal)"));
        }
        Map<String, SubnetKey> claimed = new HashMap<>();
        snapshot.claims().stream().filter(c -> c.subnet() != null).forEach(c -> claimed.put(c.nodeName(), c.subnet()));
        problems.addAll(LeaseKeyRules.duplicateNodes(leases, claimed));
        problems.addAll(LeaseKeyRules.duplicateAddresses(leases));
        problems.addAll(LeaseKeyRules.overlaps(leases));
        problems.addAll(ClaimRules.staleNodeClaims(snapshot.claims(), leases, layout));
        problems.addAll(ClaimRules.staleAddressClaims(snapshot.addresses(), leases, layout));
        problems.addAll(EtcdLeaseRules.expiredPresent(leases, facts));
        problems.addAll(EtcdLeaseRules.keyless(facts));
        problems.sort(Problem.ORDER);
        return problems;
    }

    private void config(Snapshot snapshot, List<StoredLease> leases, List<Problem> problems) {
        if (snapshot.config().isEmpty()) {
            problems.add(new Problem(
                    ProblemKind.NO_CONFIG,
                    layout.configKey(),
                    List.of(),
                    "no network config is stored, so no node can get a lease",
                    "weftctl config set FILE"));
            return;
        }
        try {
            NetworkConfig config = NetworkConfig.parse(snapshot.config().get().json());
            problems.addAll(LeaseKeyRules.outside(leases, config));
        } catch (ConfigException e) {
            problems.add(new Problem(
                    ProblemKind.NO_CONFIG,
                    layout.configKey(),
                    List.of(),
                    "the stored network config is not valid: " + e.getMessage(),
                    "weftctl config set FILE with a valid config"));
        }
    }
}
