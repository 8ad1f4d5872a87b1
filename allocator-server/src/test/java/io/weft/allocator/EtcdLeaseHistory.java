package io.weft.allocator;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.weft.allocator.store.LeaseValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * Reads etcd's own history of a prefix's lease keys, one revision at a time (the tests' etcd is
 * never compacted), to check what held at every revision rather than only at the end.
 */
final class EtcdLeaseHistory {

    /** Lease keys by node name at each revision. */
    private final Map<Long, Map<String, List<String>>> byRevision;

    private EtcdLeaseHistory(Map<Long, Map<String, List<String>>> byRevision) {
        this.byRevision = byRevision;
    }

    static EtcdLeaseHistory read(Client etcd, String prefix) throws Exception {
        ByteSequence subnets = ByteSequence.from(prefix + "/subnets/", StandardCharsets.UTF_8);
        long head = etcd.getKVClient().get(subnets).get(10, TimeUnit.SECONDS).getHeader().getRevision();
        Map<Long, Map<String, List<String>>> byRevision = new TreeMap<>();
        for (long revision = 1; revision <= head; revision++) {
            GetOption atRevision = GetOption.builder().isPrefix(true).withRevision(revision).build();
            Map<String, String> contents = new HashMap<>();
            for (KeyValue kv : etcd.getKVClient().get(subnets, atRevision).get(10, TimeUnit.SECONDS).getKvs()) {
                contents.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
            }
            byRevision.put(revision, leasesByNode(contents, prefix));
        }
        return new EtcdLeaseHistory(byRevision);
    }

    /** The lease keys in contents (key to value, as read from etcd), by the node name in each value. */
    static Map<String, List<String>> leasesByNode(Map<String, String> contents, String prefix) {
        Map<String, List<String>> byNode = new TreeMap<>();
        contents.forEach((key, value) -> {
            if (key.startsWith(prefix + "/subnets/")) {
                String node = LeaseValue.parse(value).nodeName();
                byNode.computeIfAbsent(node, n -> new ArrayList<>()).add(key);
            }
        });
        return byNode;
    }

    /** Each revision at which some node name held more than one lease key, with those keys. */
    Map<Long, Map<String, List<String>>> revisionsWhereANodeHoldsTwoLeases() {
        Map<Long, Map<String, List<String>>> found = new TreeMap<>();
        byRevision.forEach((revision, byNode) -> byNode.forEach((node, keys) -> {
            if (!node.isEmpty() && keys.size() > 1) {
                found.computeIfAbsent(revision, r -> new TreeMap<>()).put(node, keys);
            }
        }));
        return found;
    }
}
