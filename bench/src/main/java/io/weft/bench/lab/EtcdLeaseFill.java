package io.weft.bench.lab;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.weft.allocator.store.HostAddress;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.VtepData;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.config.IpPrefix;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;

/**
 * Fills a network with leases by writing straight into etcd the keys allocator-server writes
 * for an acquisition: the lease key (flannel's value, with NodeName), the node's claim and its
 * address claims (public IP, VTEP MAC), on shared etcd leases of {@value #LEASES_PER_ETCD_LEASE}
 * leases each as the server's buckets hold them. A server started afterwards loads them as if
 * nodes had acquired them; 250,000 take seconds instead of the minute they take through the API.
 *
 * <p>Subnets are picked at random (seeded) from the network's free ones, so the free space left
 * is scattered as a fleet's churn leaves it. etcd refuses a transaction of more than 128
 * operations ({@code --max-txn-ops}), so each transaction carries {@value #LEASES_PER_TXN} leases.
 */
public final class EtcdLeaseFill {

    private static final int LEASES_PER_ETCD_LEASE = 250;
    private static final int LEASES_PER_TXN = 32;
    private static final int TXNS_IN_FLIGHT = 32;
    private static final long ETCD_LEASE_TTL_SECONDS = 24 * 3600;
    private static final long SEED = 250_000;

    private EtcdLeaseFill() {}

    /**
     * Writes {@code count} leases for nodes {@code namePrefix-first} onwards on the IPv4
     * {@code network} split in {@code subnetLength} subnets, avoiding subnets already leased under
     * {@code prefix}. The config key must already be set. {@code done} hears the running count.
     */
    public static void fill(
            String endpoint,
            String prefix,
            BenchNetwork network,
            IpPrefix ipv4Network,
            int subnetLength,
            String namePrefix,
            int first,
            int count,
            IntConsumer done)
            throws Exception {
        KeyLayout layout = new KeyLayout(prefix);
        try (Client client = Client.builder().endpoints(endpoint).build()) {
            List<Integer> free = freeSubnets(client, layout, ipv4Network, subnetLength);
            if (free.size() < count) {
                throw new IllegalArgumentException(
                        "the network has " + free.size() + " free subnets, " + count + " asked for");
            }
            Collections.shuffle(free, new Random(SEED));
            Semaphore permits = new Semaphore(TXNS_IN_FLIGHT);
            List<CompletableFuture<?>> txns = new ArrayList<>();
            PutOption onLease = null;
            for (int start = 0; start < count; start += LEASES_PER_TXN) {
                if (start % LEASES_PER_ETCD_LEASE == 0) {
                    long id = client.getLeaseClient()
                            .grant(ETCD_LEASE_TTL_SECONDS)
                            .get(60, TimeUnit.SECONDS)
                            .getID();
                    onLease = PutOption.builder().withLeaseId(id).build();
                }
                List<Op> puts = new ArrayList<>();
                int end = Math.min(count, start + LEASES_PER_TXN);
                for (int k = start; k < end; k++) {
                    SubnetKey subnet = SubnetKey.ipv4Only(subnet(ipv4Network, subnetLength, free.get(k)));
                    puts.addAll(leaseKeys(
                            layout, subnet, network.request(namePrefix + "-" + (first + k), first + k), onLease));
                }
                permits.acquire();
                txns.add(client.getKVClient()
                        .txn()
                        .Then(puts.toArray(Op[]::new))
                        .commit()
                        .whenComplete((response, error) -> permits.release()));
                if (end % 10_000 < LEASES_PER_TXN) {
                    done.accept(end);
                }
            }
            CompletableFuture.allOf(txns.toArray(CompletableFuture[]::new)).get(600, TimeUnit.SECONDS);
        }
    }

    /** The lease key, the node's claim and its address claims, as an acquisition writes them. */
    private static List<Op> leaseKeys(KeyLayout layout, SubnetKey subnet, AcquireLeaseRequest node, PutOption onLease) {
        LeaseValue value = new LeaseValue(
                node.getPublicIp(),
                "",
                node.getBackendType(),
                new VtepData(node.getVxlan().getVni(), node.getVxlan().getVtepMac()),
                null,
                node.getNodeName());
        List<Op> puts = new ArrayList<>(4);
        puts.add(Op.put(bytes(layout.leaseKey(subnet)), bytes(value.toJson()), onLease));
        puts.add(Op.put(bytes(layout.claimKey(node.getNodeName())), bytes(layout.leaseKeyName(subnet)), onLease));
        for (HostAddress address : HostAddress.of(value)) {
            puts.add(Op.put(bytes(layout.addressKey(address)), bytes(node.getNodeName()), onLease));
        }
        return puts;
    }

    /** Indexes of the subnets no lease key names yet; index 0 (the network's own address) is skipped, as flannel does. */
    private static List<Integer> freeSubnets(Client client, KeyLayout layout, IpPrefix ipv4Network, int subnetLength)
            throws Exception {
        ByteSequence subnets = bytes(layout.subnetsPrefix());
        Set<String> taken = new HashSet<>();
        for (KeyValue kv : client.getKVClient()
                .get(
                        subnets,
                        GetOption.builder().isPrefix(true).withKeysOnly(true).build())
                .get(60, TimeUnit.SECONDS)
                .getKvs()) {
            taken.add(kv.getKey().toString(StandardCharsets.UTF_8));
        }
        int total = 1 << (subnetLength - ipv4Network.length());
        List<Integer> free = new ArrayList<>(total);
        for (int i = 1; i < total; i++) {
            if (!taken.contains(layout.leaseKey(SubnetKey.ipv4Only(subnet(ipv4Network, subnetLength, i))))) {
                free.add(i);
            }
        }
        return free;
    }

    private static IpPrefix subnet(IpPrefix network, int subnetLength, int index) {
        return IpPrefix.of(network.address().plus((long) index << (32 - subnetLength)), subnetLength);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
