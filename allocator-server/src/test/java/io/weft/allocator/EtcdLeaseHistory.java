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
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Reads etcd's own history of a prefix's lease keys, one revision at a time (the tests' etcd is
 * never compacted), to check what held at every revision rather than only at the end.
 */
final class EtcdLeaseHistory {

    /** Lease values by lease key at each revision. */
    private final Map<Long, Map<String, LeaseValue>> byRevision;

    private EtcdLeaseHistory(Map<Long, Map<String, LeaseValue>> byRevision) {
        this.byRevision = byRevision;
    }

    static EtcdLeaseHistory read(Client etcd, String prefix) throws Exception {
        ByteSequence subnets = ByteSequence.from(prefix + "/subnets/", StandardCharsets.UTF_8);
        long head = etcd.getKVClient()
                .get(subnets)
                .get(10, TimeUnit.SECONDS)
                .getHeader()
                .getRevision();
        Map<Long, Map<String, LeaseValue>> byRevision = new TreeMap<>();
        for (long revision = 1; revision <= head; revision++) {
            GetOption atRevision =
                    GetOption.builder().isPrefix(true).withRevision(revision).build();
            Map<String, LeaseValue> leases = new HashMap<>();
            for (KeyValue kv : etcd.getKVClient()
                    .get(subnets, atRevision)
                    .get(10, TimeUnit.SECONDS)
                    .getKvs()) {
                leases.put(
                        kv.getKey().toString(StandardCharsets.UTF_8),
                        LeaseValue.parse(kv.getValue().toString(StandardCharsets.UTF_8)));
            }
            byRevision.put(revision, leases);
        }
        return new EtcdLeaseHistory(byRevision);
    }

    /** The lease keys in contents (key to value, as read from etcd), by the node name in each value. */
    static Map<String, List<String>> leasesByNode(Map<String, String> contents, String prefix) {
        Map<String, LeaseValue> leases = new HashMap<>();
        contents.forEach((key, value) -> {
            if (key.startsWith(prefix + "/subnets/")) {
                leases.put(key, LeaseValue.parse(value));
            }
        });
        return byNode(leases);
    }

    private static Map<String, List<String>> byNode(Map<String, LeaseValue> leases) {
        Map<String, List<String>> byNode = new TreeMap<>();
        leases.forEach((key, value) ->
                byNode.computeIfAbsent(value.nodeName(), n -> new ArrayList<>()).add(key));
        return byNode;
    }

    /** Each revision at which some node name held more than one lease key, with those keys. */
    Map<Long, Map<String, List<String>>> revisionsWhereANodeHoldsTwoLeases() {
        Map<Long, Map<String, List<String>>> found = new TreeMap<>();
        byRevision.forEach((revision, leases) -> byNode(leases).forEach((node, keys) -> {
            if (!node.isEmpty() && keys.size() > 1) {
                found.computeIfAbsent(revision, r -> new TreeMap<>()).put(node, keys);
            }
        }));
        return found;
    }

    /**
     * Each revision at which a public IP, public IPv6 or VTEP MAC was on the leases of two
     * different weft nodes, with the node names per address.
     */
    Map<Long, Map<String, TreeSet<String>>> revisionsWhereAnAddressHasTwoNodes() {
        Map<Long, Map<String, TreeSet<String>>> found = new TreeMap<>();
        byRevision.forEach((revision, leases) -> {
            Map<String, TreeSet<String>> nodesByAddress = new TreeMap<>();
            leases.values().stream()
                    .filter(value -> !value.nodeName().isEmpty())
                    .forEach(value -> {
                        List<String> addresses = new ArrayList<>(value.vtepMacs());
                        addresses.add(value.publicIp());
                        addresses.add(value.publicIpv6());
                        addresses.stream()
                                .filter(address -> !address.isEmpty())
                                .forEach(address -> nodesByAddress
                                        .computeIfAbsent(address, a -> new TreeSet<>())
                                        .add(value.nodeName()));
                    });
            nodesByAddress.values().removeIf(nodes -> nodes.size() < 2);
            if (!nodesByAddress.isEmpty()) {
                found.put(revision, nodesByAddress);
            }
        });
        return found;
    }
}
