package io.weft.allocator.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.ConfigException;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every operation of the lease index costs O(leases), whatever the config: random IPv4 and IPv6
 * networks of any prefix lengths, random lease keys (subnets of the space and foreign prefixes
 * of any length, as a forced config change or keys written straight into etcd leave them),
 * forced config changes, restarts from a snapshot. Work is counted, not timed: every loop
 * iteration is a step, and an operation that takes more than its budget fails at once (the
 * address-space walks this replaces would otherwise run for years).
 *
 * <p>The budget is per operation: {@value #STEPS_PER_KEY} steps per lease key the index has
 * ever seen, plus one pick window. "Ever seen" rather than "live" because a released subnet stays
 * in quarantine (one free-set entry) after its lease is gone.
 */
@Timeout(120)
class LeaseIndexCostTest {

    static final int STEPS_PER_KEY = 8;
    private static final int TRIALS = 300;
    private static final int OPERATIONS = 150;

    private final long seed = Long.getLong("weft.test.seed", System.nanoTime());
    private final Random random = new Random(seed);
    private final RandomNetworks networks = new RandomNetworks(random);
    private final Budget budget = new Budget();
    /** What this trial did, for the failure message. */
    private final List<String> trace = new ArrayList<>();

    private int keysSeen;
    private long revision;
    private Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void theIssuesForcedChangeToIpv6SubnetLen120CostsOnlyItsLeases() throws Exception {
        System.out.println("LeaseIndexCostTest seed " + seed);
        LeaseIndex index = new LeaseIndex(Duration.ofMinutes(10), budget);
        StoredLease held = lease(new SubnetKey(null, IpPrefix.parse("fd00:10:0:1::/64")));
        keysSeen = 1;
        measured(
                "reset",
                () -> index.reset(new Snapshot(
                        ++revision,
                        Optional.of(new StoredConfig(RandomNetworks.issueConfig(64), revision)),
                        List.of(held),
                        List.of())));

        measured(
                "forced config",
                () -> index.applyConfig(new StoredConfig(RandomNetworks.issueConfig(120), ++revision), true));
        Optional<IpPrefix> picked = measured("take any", () -> index.takeAny(true, now, random));
        measured("usage", () -> index.usage(true));
        measured("delete the /64", () -> index.applyDelete(held.subnet(), ++revision, true, now));
        measured(
                "restart",
                () -> index.reset(new Snapshot(
                        ++revision,
                        Optional.of(new StoredConfig(RandomNetworks.issueConfig(120), revision)),
                        List.of(held),
                        List.of())));

        assertThat(picked).hasValueSatisfying(subnet -> {
            assertThat(subnet.length()).isEqualTo(120);
            assertThat(subnet.overlaps(held.subnet().ipv6()))
                    .as("%s inside the held /64", subnet)
                    .isFalse();
        });
    }

    @Test
    void everyOperationCostsAtMostItsLeasesOnRandomConfigsAndForcedChanges() throws Exception {
        System.out.println("LeaseIndexCostTest seed " + seed + " (rerun with -Dweft.test.seed=" + seed + ")");
        for (int trial = 0; trial < TRIALS; trial++) {
            runTrial(trial);
        }
    }

    private void runTrial(int trial) throws Exception {
        trace.clear();
        keysSeen = 0;
        NetworkConfig config = parse(networks.config());
        List<StoredLease> live = new ArrayList<>();
        List<SubnetKey> unreadable = new ArrayList<>();
        for (int i = random.nextInt(20); i > 0; i--) {
            StoredLease lease = lease(networks.key(config));
            if (live.stream().noneMatch(l -> l.subnet().equals(lease.subnet()))) {
                live.add(lease);
            }
        }
        keysSeen = live.size();
        LeaseIndex index = new LeaseIndex(Duration.ofMinutes(random.nextInt(3) * 5), budget);
        NetworkConfig first = config;
        measured(
                "reset " + first.json() + " "
                        + live.stream().map(StoredLease::subnet).toList(),
                () -> index.reset(new Snapshot(
                        ++revision,
                        Optional.of(new StoredConfig(first.json(), revision)),
                        List.copyOf(live),
                        List.of())));
        for (int op = 0; op < OPERATIONS; op++) {
            String context = "trial " + trial + " op " + op;
            int choice = random.nextInt(100);
            if (choice < 25) {
                StoredLease lease = lease(networks.key(config));
                keysSeen++;
                measured(context + " put " + lease.subnet(), () -> index.applyPut(lease, true));
                live.removeIf(l -> l.subnet().equals(lease.subnet()));
                live.add(lease);
                unreadable.remove(lease.subnet());
            } else if (choice < 45 && !live.isEmpty()) {
                StoredLease gone = live.remove(random.nextInt(live.size()));
                unreadable.remove(gone.subnet());
                measured(
                        context + " delete " + gone.subnet(),
                        () -> index.applyDelete(gone.subnet(), ++revision, true, now));
            } else if (choice < 70) {
                boolean v6 = random.nextBoolean();
                Optional<IpPrefix> picked = measured(context + " take any", () -> index.takeAny(v6, now, random));
                trace.add("  -> " + picked);
                picked.ifPresent(subnet -> assertFree(subnet, live, unreadable, context));
                picked.ifPresent(subnet -> measured(context + " return", () -> {
                    index.returnUnused(subnet);
                    return null;
                }));
            } else if (choice < 78) {
                measured(context + " usage", () -> List.of(index.usage(false), index.usage(true)));
            } else if (choice < 84) {
                SubnetKey key = networks.key(config);
                keysSeen++;
                if (live.stream().noneMatch(l -> l.subnet().equals(key))) {
                    unreadable.add(key); // garbage over a live lease keeps the lease instead
                }
                measured(context + " unreadable " + key, () -> {
                    index.applySkipped(new StoreEvent.Skipped("garbage", "test", ++revision, key), true);
                    return null;
                });
            } else if (choice < 92) {
                config = parse(networks.config());
                NetworkConfig forced = config;
                measured(
                        context + " forced " + forced.json(),
                        () -> index.applyConfig(new StoredConfig(forced.json(), ++revision), true));
            } else if (choice < 96) {
                NetworkConfig current = config;
                measured(
                        context + " restart",
                        () -> index.reset(new Snapshot(
                                ++revision,
                                Optional.of(new StoredConfig(current.json(), revision)),
                                List.copyOf(live),
                                List.of())));
                unreadable.clear();
            } else {
                now = now.plus(Duration.ofMinutes(random.nextInt(12)));
                trace.add(context + " now " + now);
            }
        }
    }

    /** A subnet the index hands out overlaps no lease and no unreadable key. */
    private void assertFree(IpPrefix subnet, List<StoredLease> live, List<SubnetKey> unreadable, String context) {
        List<SubnetKey> held = new ArrayList<>(unreadable);
        live.forEach(l -> held.add(l.subnet()));
        for (SubnetKey key : held) {
            for (IpPrefix part : new IpPrefix[] {key.ipv4(), key.ipv6()}) {
                assertThat(part != null && part.overlaps(subnet))
                        .as(
                                "%s: handed out %s, which overlaps the held %s; the trial so far:%n%s",
                                context, subnet, key, String.join("\n", trace))
                        .isFalse();
            }
        }
    }

    private <T> T measured(String operation, java.util.concurrent.Callable<T> call) {
        trace.add(operation);
        budget.start(operation, (long) STEPS_PER_KEY * (keysSeen + 1) + FreeSubnets.PICK_WINDOW);
        try {
            return call.call();
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private StoredLease lease(SubnetKey key) {
        return new StoredLease(
                key, new LeaseValue("192.0.2.1", "", "vxlan", null, null, "n" + revision), 7, ++revision);
    }

    private static NetworkConfig parse(String json) {
        try {
            return NetworkConfig.parse(json);
        } catch (ConfigException e) {
            throw new AssertionError("the generator made an invalid config " + json + ": " + e.getMessage(), e);
        }
    }

    /** Fails the operation in progress as soon as it goes over its budget of steps. */
    private static final class Budget implements StepCounter {
        private String operation = "";
        private long limit = Long.MAX_VALUE;
        private long used;

        void start(String operation, long limit) {
            this.operation = operation;
            this.limit = limit;
            this.used = 0;
        }

        @Override
        public void step() {
            if (++used > limit) {
                throw new AssertionError(operation + ": more than " + limit + " steps (budget " + STEPS_PER_KEY
                        + " per lease key seen + pick window)");
            }
        }
    }
}
