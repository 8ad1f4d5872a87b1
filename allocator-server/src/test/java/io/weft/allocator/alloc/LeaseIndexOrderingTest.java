package io.weft.allocator.alloc;

import static io.weft.allocator.alloc.IndexFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpPrefix;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LeaseIndex}: the server's own writes and its watch both update it, ordered by etcd
 * revision, so a late watch event never undoes a newer write; lookups follow rewrites (config
 * behaviour is in {@link LeaseIndexConfigTest}).
 */
@Timeout(60)
class LeaseIndexOrderingTest {

    // ---------------------------------------------------------------- ordering

    @Test
    void aStaleWatchPutNeverUndoesANewerDirectPut() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease direct = lease(key("10.0.1.0/26"), "node-b", "192.168.0.2", 71, 5);
        StoredLease stale = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 4);

        assertThat(index.applyPut(direct, false)).contains(direct);
        assertThat(index.applyPut(stale, true)).isEmpty();

        assertThat(index.bySubnet(p("10.0.1.0/26"))).contains(direct);
        assertThat(index.byNode("node-a")).isEmpty();
        assertThat(index.byPublicIp("192.168.0.1")).isEmpty();
        assertThat(index.byNode("node-b")).contains(direct);
        assertThat(index.revision()).as("the watch has seen r4").isEqualTo(4);
    }

    @Test
    void theWatchCopyOfADirectPutResolvesToTheIndexInstanceSoViewsShareIt() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease direct = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        StoredLease watchCopy = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        StoredLease newer = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 71, 6);
        index.applyPut(direct, false);

        assertThat(index.applyPut(watchCopy, true)).isEmpty();
        assertThat(index.shared(watchCopy)).isSameAs(direct);
        assertThat(index.shared(newer)).as("another version is not shared").isSameAs(newer);
    }

    @Test
    void aStaleWatchPutNeverResurrectsALeaseDeletedDirectly() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease created = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        index.applyPut(created, false);

        assertThat(index.applyDelete(created.subnet(), 6, false, T0)).contains(created);
        assertThat(index.applyPut(created, true))
                .as("the watch replays the create at r5")
                .isEmpty();

        assertThat(index.all()).isEmpty();
        assertThat(index.bySubnet(p("10.0.1.0/26"))).isEmpty();
        assertThat(index.byNode("node-a")).isEmpty();
        assertThat(index.byPublicIp("192.168.0.1")).isEmpty();
        assertThat(index.usage(false).orElseThrow().leased()).isZero();
        assertThat(index.takeIfAvailable(p("10.0.1.0/26")))
                .as("the ignored put took nothing")
                .isTrue();
    }

    @Test
    void afterTheWatchCatchesUpWithADirectDeleteANewerPutApplies() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease created = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        index.applyPut(created, false);
        index.applyDelete(created.subnet(), 6, false, T0);
        index.applyPut(created, true);

        assertThat(index.applyDelete(created.subnet(), 6, true, T0))
                .as("already gone")
                .isEmpty();
        StoredLease recreated = lease(key("10.0.1.0/26"), "node-c", "192.168.0.3", 72, 7);
        assertThat(index.applyPut(recreated, true)).contains(recreated);

        assertThat(index.byNode("node-c")).contains(recreated);
        assertThat(index.revision()).isEqualTo(7);
    }

    @Test
    void aDirectDeleteDoesNotHideANewerPutFromTheWatch() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease created = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        index.applyPut(created, true);
        index.applyDelete(created.subnet(), 6, false, T0);

        // Another replica re-created the key at r7; the watch delivers r6 then r7.
        StoredLease other = lease(key("10.0.1.0/26"), "node-d", "192.168.0.4", 73, 7);
        assertThat(index.applyPut(other, true)).contains(other);
        assertThat(index.applyDelete(created.subnet(), 6, true, T0)).isEmpty();

        assertThat(index.bySubnet(p("10.0.1.0/26"))).contains(other);
    }

    @Test
    void aStaleWatchDeleteNeverRemovesANewerDirectPut() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease first = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        StoredLease renewed = lease(key("10.0.1.0/26"), "node-a", "192.168.0.9", 74, 8);
        index.applyPut(first, true);
        index.applyPut(renewed, false);

        assertThat(index.applyDelete(first.subnet(), 7, true, T0)).isEmpty();

        assertThat(index.bySubnet(p("10.0.1.0/26"))).contains(renewed);
        assertThat(index.byPublicIp("192.168.0.9")).contains(renewed);
        assertThat(index.takeIfAvailable(p("10.0.1.0/26"))).as("still held").isFalse();
        assertThat(index.revision()).isEqualTo(7);
    }

    @Test
    void theSamePutTwiceChangesTheIndexOnce() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease created = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);

        assertThat(index.applyPut(created, false)).contains(created);
        assertThat(index.applyPut(created, true)).isEmpty();
        assertThat(index.applyPut(created, false)).isEmpty();
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void deletingAKeyTheIndexNeverHadAnswersEmpty() {
        LeaseIndex index = indexWith(SMALL);

        assertThat(index.applyDelete(key("10.0.1.0/26"), 9, true, T0)).isEmpty();
        assertThat(index.applyDelete(key("10.0.2.0/26"), 10, false, T0)).isEmpty();
        assertThat(index.usage(false).orElseThrow().free()).isEqualTo(15);
    }

    @Test
    void onlyTheWatchAdvancesTheRevisionAndItNeverGoesBack() {
        LeaseIndex index = indexWith(SMALL);
        index.applyPut(lease(key("10.0.1.0/26"), "a", "192.168.0.1", 70, 20), false);
        assertThat(index.revision())
                .as("a direct write is not the watch's progress")
                .isEqualTo(1);

        index.applyPut(lease(key("10.0.2.0/26"), "b", "192.168.0.2", 71, 9), true);
        index.advance(5);
        index.applyDelete(key("10.0.3.0/26"), 7, true, T0);
        assertThat(index.revision()).isEqualTo(9);

        index.applyConfig(new StoredConfig(SMALL, 12), true);
        assertThat(index.revision()).isEqualTo(12);
    }

    @Test
    void aDirectlyDeletedSubnetIsQuarantinedOnceEvenWhenTheWatchRepeatsTheDelete() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease lowest = lease(key("10.0.0.64/26"), "a", "192.168.0.1", 70, 5);
        index.applyPut(lowest, false);
        index.applyDelete(lowest.subnet(), 6, false, T0);
        index.applyPut(lowest, true);
        index.applyDelete(lowest.subnet(), 6, true, T0.plusSeconds(30));

        // The lowest subnet is quarantined, so the lowest pick is the next one.
        assertThat(index.takeAny(false, T0.plusSeconds(60), LOWEST)).contains(p("10.0.0.128/26"));
        assertThat(index.usage(false).orElseThrow().free()).isEqualTo(15);
        // Once its quarantine ends it is the lowest free subnet again.
        assertThat(index.takeAny(false, T0.plus(QUARANTINE), LOWEST)).contains(p("10.0.0.64/26"));
    }

    @Test
    void randomInterleavingsOfDirectWritesAndALateWatchEndAtEtcdsState() {
        // etcd's history: random puts and deletes on a few keys. The server applies a random
        // subset of them directly (its own writes) at once; the watch then delivers all of them
        // in order. Whatever the subset, after each watch event the index must show every key
        // at least as new as the watch has seen, and at the end exactly etcd's final state.
        Random random = new Random(SEED);
        List<SubnetKey> keys = List.of(key("10.0.0.64/26"), key("10.0.0.128/26"), key("10.0.1.0/26"));
        for (int sequence = 0; sequence < 500; sequence++) {
            String where = "seed " + SEED + " sequence " + sequence;
            LeaseIndex index = indexWith(SMALL);
            Map<SubnetKey, StoredLease> etcd = new HashMap<>();
            List<Object[]> history = new ArrayList<>();
            long revision = 10;
            for (int i = 0; i < 20; i++) {
                SubnetKey key = keys.get(random.nextInt(keys.size()));
                revision++;
                boolean direct = random.nextBoolean();
                if (etcd.containsKey(key) && random.nextInt(3) == 0) {
                    etcd.remove(key);
                    history.add(new Object[] {key, revision, null, direct});
                } else {
                    StoredLease put = lease(
                            key, "node-" + random.nextInt(4), "192.168.0." + random.nextInt(4), 100 + i, revision);
                    etcd.put(key, put);
                    history.add(new Object[] {key, revision, put, direct});
                }
            }
            // Direct writes are applied in order, interleaved with a watch that lags behind.
            int watched = 0;
            for (int i = 0; i < history.size(); i++) {
                Object[] event = history.get(i);
                if ((boolean) event[3]) {
                    apply(index, event, false);
                }
                while (watched <= i && random.nextInt(3) == 0) {
                    apply(index, history.get(watched++), true);
                }
            }
            while (watched < history.size()) {
                apply(index, history.get(watched++), true);
            }
            assertThat(index.all()).as(where).containsExactlyInAnyOrderElementsOf(etcd.values());
            assertThat(index.usage(false).orElseThrow().leased()).as(where).isEqualTo(etcd.size());
            Set<IpPrefix> free = drain(index, false);
            assertThat(free).as(where).hasSize(15 - etcd.size());
            for (SubnetKey held : etcd.keySet()) {
                assertThat(free).as(where).doesNotContain(held.ipv4());
            }
        }
    }

    private static void apply(LeaseIndex index, Object[] event, boolean fromWatch) {
        SubnetKey key = (SubnetKey) event[0];
        long revision = (long) event[1];
        if (event[2] instanceof StoredLease put) {
            index.applyPut(put, fromWatch);
        } else {
            index.applyDelete(key, revision, fromWatch, T0);
        }
    }

    // ---------------------------------------------------------------- lookups

    @Test
    void lookupsFollowARewriteThatChangesTheNodeName() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease before = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        StoredLease after = lease(key("10.0.1.0/26"), "node-b", "192.168.0.1", 71, 6);
        index.applyPut(before, true);

        index.applyPut(after, false);

        assertThat(index.byNode("node-a")).isEmpty();
        assertThat(index.byNode("node-b")).contains(after);
        assertThat(index.byPublicIp("192.168.0.1")).contains(after);
        assertThat(index.bySubnet(p("10.0.1.0/26"))).contains(after);
        assertThat(index.size()).isEqualTo(1);
    }

    @Test
    void lookupsFollowARewriteThatChangesThePublicIp() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease before = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        StoredLease after = lease(key("10.0.1.0/26"), "node-a", "192.168.0.7", 70, 6);
        index.applyPut(before, true);

        index.applyPut(after, true);

        assertThat(index.byPublicIp("192.168.0.1")).isEmpty();
        assertThat(index.byPublicIp("192.168.0.7")).contains(after);
        assertThat(index.byNode("node-a")).contains(after);
    }

    @Test
    void aFlanneldLeaseIsFoundByPublicIpButNotByAnEmptyNodeName() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease flanneld = lease(key("10.0.1.0/26"), "", "192.168.0.5", 70, 5);
        index.applyPut(flanneld, true);

        assertThat(index.byPublicIp("192.168.0.5")).contains(flanneld);
        assertThat(index.byNode("")).isEmpty();
    }

    @Test
    void aLeaseMovingToAnotherNodeLeavesTheOtherNodesLookupAlone() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease a = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        StoredLease b = lease(key("10.0.2.0/26"), "node-b", "192.168.0.2", 71, 6);
        index.applyPut(a, true);
        index.applyPut(b, true);

        // The key of a is rewritten for node-c; node-b's lookups must not be touched.
        StoredLease c = lease(key("10.0.1.0/26"), "node-c", "192.168.0.3", 72, 7);
        index.applyPut(c, true);
        index.applyDelete(c.subnet(), 8, true, T0);

        assertThat(index.byNode("node-b")).contains(b);
        assertThat(index.byPublicIp("192.168.0.2")).contains(b);
        assertThat(index.byNode("node-a")).isEmpty();
        assertThat(index.byNode("node-c")).isEmpty();
        assertThat(index.byPublicIp("192.168.0.3")).isEmpty();
    }

    @Test
    void aDualStackLeaseIsFoundByEitherSubnetAndLeavesBothWhenDeleted() {
        LeaseIndex index = indexWith(DUAL);
        SubnetKey dual = new SubnetKey(p("10.0.1.0/26"), p("fd00:1:0:3::/64"));
        StoredLease lease = lease(dual, "node-a", "192.168.0.1", 70, 5);
        index.applyPut(lease, true);

        assertThat(index.bySubnet(p("10.0.1.0/26"))).contains(lease);
        assertThat(index.bySubnet(p("fd00:1:0:3::/64"))).contains(lease);
        assertThat(index.usage(true).orElseThrow().leased()).isEqualTo(1);
        assertThat(index.takeIfAvailable(p("fd00:1:0:3::/64"))).isFalse();

        index.applyDelete(dual, 6, true, T0);

        assertThat(index.bySubnet(p("10.0.1.0/26"))).isEmpty();
        assertThat(index.bySubnet(p("fd00:1:0:3::/64"))).isEmpty();
        assertThat(index.usage(true).orElseThrow().free()).isEqualTo(7);
        assertThat(index.takeIfAvailable(p("fd00:1:0:3::/64")))
                .as("released to quarantine")
                .isTrue();
    }

    @Test
    void randomRewritesKeepEveryLookupConsistent() {
        // Node names and public IPs are unique among live leases here (what one server writes);
        // see the disabled tests below for duplicates.
        Random random = new Random(SEED);
        List<SubnetKey> keys = new ArrayList<>(
                subnets("10.0.0.64/26", 6).stream().map(SubnetKey::ipv4Only).toList());
        for (int sequence = 0; sequence < 200; sequence++) {
            LeaseIndex index = indexWith(SMALL);
            Map<SubnetKey, StoredLease> model = new HashMap<>();
            long revision = 10;
            for (int step = 0; step < 100; step++) {
                String where = "seed " + SEED + " sequence " + sequence + " step " + step;
                SubnetKey key = keys.get(random.nextInt(keys.size()));
                if (model.containsKey(key) && random.nextInt(3) == 0) {
                    index.applyDelete(key, ++revision, random.nextBoolean(), T0);
                    model.remove(key);
                } else {
                    Set<String> namesInUse = new HashSet<>();
                    Set<String> ipsInUse = new HashSet<>();
                    model.forEach((k, l) -> {
                        if (!k.equals(key)) {
                            namesInUse.add(l.nodeName());
                            ipsInUse.add(l.value().publicIp());
                        }
                    });
                    String name = "node-" + random.nextInt(10);
                    String ip = "192.168.0." + random.nextInt(10);
                    if (namesInUse.contains(name) || ipsInUse.contains(ip)) {
                        continue;
                    }
                    StoredLease put = lease(key, random.nextInt(5) == 0 ? "" : name, ip, 100 + step, ++revision);
                    index.applyPut(put, random.nextBoolean());
                    model.put(key, put);
                }
                for (int n = 0; n < 10; n++) {
                    String name = "node-" + n;
                    String ip = "192.168.0." + n;
                    assertThat(index.byNode(name))
                            .as(where + " " + name)
                            .isEqualTo(model.values().stream()
                                    .filter(l -> l.nodeName().equals(name))
                                    .findFirst());
                    assertThat(index.byPublicIp(ip))
                            .as(where + " " + ip)
                            .isEqualTo(model.values().stream()
                                    .filter(l -> l.value().publicIp().equals(ip))
                                    .findFirst());
                }
                for (SubnetKey k : keys) {
                    assertThat(index.bySubnet(k.ipv4())).as(where).isEqualTo(Optional.ofNullable(model.get(k)));
                }
            }
        }
    }

    @Test
    void lookupByNodeFindsTheRemainingLeaseWhenOneOfTwoWithTheSameNameGoes() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease older = lease(key("10.0.1.0/26"), "node-a", "192.168.0.1", 70, 5);
        StoredLease newer = lease(key("10.0.2.0/26"), "node-a", "192.168.0.1", 71, 6);
        index.applyPut(older, true);
        index.applyPut(newer, true);

        index.applyDelete(newer.subnet(), 7, true, T0);

        assertThat(index.byNode("node-a")).contains(older);
        assertThat(index.byPublicIp("192.168.0.1")).contains(older);
    }

    @Test
    void lookupByPublicIpFindsTheRemainingLeaseWhenOneOfTwoWithTheSameAddressGoes() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease flanneld = lease(key("10.0.1.0/26"), "", "192.168.0.5", 70, 5);
        StoredLease reservation =
                new StoredLease(key("10.0.2.0/26"), new LeaseValue("192.168.0.5", "", "", null, null, "node-x"), 0, 6);
        index.applyPut(flanneld, true);
        index.applyPut(reservation, false);

        index.applyDelete(reservation.subnet(), 7, false, T0);

        assertThat(index.byPublicIp("192.168.0.5")).contains(flanneld);
    }
}
