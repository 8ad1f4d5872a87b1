package io.weft.allocator.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.VtepData;
import io.weft.config.ConfigException;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link SubnetAllocator} and {@link LeaseIndex} driven the way the server drives them (its own
 * writes applied at once, the watch delivering the same events later, expiries and flanneld's
 * leases arriving only through the watch), checked after every step against a reference model:
 * the leases by key, and per family the quarantine in release order.
 *
 * <p>The networks are tiny (15 IPv4 subnets, 7 IPv6 ones) and there are more nodes than subnets,
 * so exhaustion and quarantine hand-outs happen in most sequences. The seed is printed with every
 * failure; replay with {@code -Dweft.test.seed=N}.
 */
@Timeout(300)
class SubnetAllocatorModelTest {

    private static final long SEED = Long.getLong("weft.test.seed", System.nanoTime());
    private static final Duration QUARANTINE = Duration.ofMinutes(5);
    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final int NODES = 20;

    static final String IPV4_ONLY = """
            {"Network":"10.0.0.0/22","SubnetLen":26,"Backend":{"Type":"vxlan"}}""";
    static final String DUAL_STACK = """
            {"Network":"10.0.0.0/22","SubnetLen":26,"EnableIPv6":true,"IPv6Network":"fd00:1::/61",\
            "IPv6SubnetLen":64,"Backend":{"Type":"vxlan"}}""";
    static final String IPV6_ONLY = """
            {"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fd00:1::/60","IPv6SubnetLen":64,\
            "Backend":{"Type":"vxlan"}}""";

    /** Outcomes every run of sequences must have produced, or it tested too little. */
    private static final List<String> MUST_SEE = List.of(
            "exhausted IPv4",
            "new while others quarantined",
            "quarantined handed out",
            "previous",
            "reuse existing",
            "reuse reservation",
            "flanneld lease adopted",
            "write failed",
            "late watch event");

    @Test
    void ipv4RandomSequencesMatchTheModel() {
        Map<String, Integer> seen = runSequences(IPV4_ONLY, 200, 300);

        assertThat(seen).as("seed %d", SEED).containsKeys(MUST_SEE.toArray(String[]::new));
    }

    @Test
    void dualStackRandomSequencesMatchTheModel() {
        Map<String, Integer> seen = runSequences(DUAL_STACK, 150, 300);

        assertThat(seen)
                .as("seed %d", SEED)
                .containsKeys(MUST_SEE.stream()
                        .filter(s -> !s.equals("exhausted IPv4"))
                        .toArray(String[]::new))
                .containsKey("exhausted IPv6");
    }

    @Test
    void ipv6OnlyRandomSequencesMatchTheModel() {
        Map<String, Integer> seen = runSequences(IPV6_ONLY, 60, 300);

        assertThat(seen).as("seed %d", SEED).containsKeys("exhausted IPv6", "quarantined handed out", "previous");
    }

    private static Map<String, Integer> runSequences(String json, int sequences, int steps) {
        Random seeds = new Random(SEED ^ json.hashCode());
        Map<String, Integer> seen = new TreeMap<>();
        for (int sequence = 0; sequence < sequences; sequence++) {
            Run run = new Run(
                    json,
                    seeds.nextLong(),
                    "seed " + SEED + " (replay with -Dweft.test.seed=" + SEED + ") sequence " + sequence,
                    seen);
            for (int step = 0; step < steps; step++) {
                run.step(step);
            }
        }
        return seen;
    }

    // ---------------------------------------------------------------- the model

    /** The reference: one lease key, as the index should hold it. */
    private record ModelLease(
            SubnetKey key, String nodeName, String publicIp, boolean reserved, String backendType, long modRevision) {}

    /** An event of the server's own that the watch has yet to deliver. */
    private sealed interface Pending {
        record Put(StoredLease lease) implements Pending {}

        record Delete(SubnetKey subnet, long revision) implements Pending {}
    }

    /** What the allocator must pick in one family: exactly one subnet, any of a set, or nothing. */
    private record Expected(IpPrefix exactly, Set<IpPrefix> anyOf, boolean previous) {
        boolean exhausted() {
            return exactly == null && anyOf.isEmpty();
        }

        boolean allows(IpPrefix chosen) {
            return exactly != null ? exactly.equals(chosen) : anyOf.contains(chosen);
        }

        @Override
        public String toString() {
            return exhausted()
                    ? "exhausted"
                    : exactly != null ? (previous ? "previous " : "") + exactly : "any of " + anyOf;
        }
    }

    /** One address family of the model: its space and the quarantine in release order. */
    private static final class Family {
        final String name;
        final boolean ipv6;
        final SubnetSpace space;
        final List<IpPrefix> subnets = new ArrayList<>();
        /** Released subnets and when their quarantine ends, oldest release first. */
        final LinkedHashMap<IpPrefix, Instant> quarantinedUntil = new LinkedHashMap<>();
        /**
         * Who released each subnet, until its quarantine ends (even if it was handed out since): a
         * previous subnet goes only to that host meanwhile.
         */
        final Map<IpPrefix, Map.Entry<ModelLease, Instant>> releasedBy = new HashMap<>();

        Family(String name, boolean ipv6, SubnetSpace space) {
            this.name = name;
            this.ipv6 = ipv6;
            this.space = space;
            for (long i = 0; i < space.size(); i++) {
                subnets.add(space.subnetAt(i));
            }
        }

        IpPrefix of(SubnetKey key) {
            return ipv6 ? key.ipv6() : key.ipv4();
        }

        void expire(Instant now) {
            quarantinedUntil.values().removeIf(until -> !until.isAfter(now));
            releasedBy.values().removeIf(release -> !release.getValue().isAfter(now));
        }

        /** True when another host than this node released the subnet within the quarantine. */
        boolean heldBack(IpPrefix subnet, String node, String publicIp) {
            Map.Entry<ModelLease, Instant> release = releasedBy.get(subnet);
            if (release == null) {
                return false;
            }
            ModelLease by = release.getKey();
            return !(!by.nodeName().isEmpty() && by.nodeName().equals(node))
                    && !(!by.publicIp().isEmpty() && by.publicIp().equals(publicIp));
        }
    }

    // ---------------------------------------------------------------- one sequence

    private static final class Run {
        final Random random;
        final String label;
        final String json;
        final NetworkConfig config;
        final LeaseIndex index = new LeaseIndex(QUARANTINE);
        final SubnetAllocator allocator;
        final Family v4;
        final Family v6;
        final List<Family> families = new ArrayList<>();

        final TreeMap<SubnetKey, ModelLease> leases = new TreeMap<>();
        final Map<String, String> ipOf = new LinkedHashMap<>();
        final Map<String, SubnetKey> lastHeld = new LinkedHashMap<>();
        final ArrayDeque<Pending> watchBacklog = new ArrayDeque<>();
        final ArrayDeque<String> trace = new ArrayDeque<>();
        Instant now = T0;
        long revision = 10;
        long nextEtcdLease = 7_000;
        int nextIp = 1;
        String where = "";
        final Map<String, Integer> seen;

        Run(String json, long seed, String label, Map<String, Integer> seen) {
            this.seen = seen;
            this.random = new Random(seed);
            this.label = label;
            this.json = json;
            try {
                this.config = NetworkConfig.parse(json);
            } catch (ConfigException e) {
                throw new AssertionError(e);
            }
            this.allocator = new SubnetAllocator(new Random(random.nextLong()));
            this.v4 =
                    config.ipv4().map(space -> new Family("IPv4", false, space)).orElse(null);
            this.v6 =
                    config.ipv6().map(space -> new Family("IPv6", true, space)).orElse(null);
            if (v4 != null) {
                families.add(v4);
            }
            if (v6 != null) {
                families.add(v6);
            }
            for (int i = 0; i < NODES; i++) {
                ipOf.put("node-" + i, freshIp());
            }
            assertThat(index.reset(
                            new Snapshot(revision, Optional.of(new StoredConfig(json, 3)), List.of(), List.of())))
                    .isEmpty();
        }

        String freshIp() {
            int n = nextIp++;
            return "192.168." + (n / 250) + "." + (n % 250 + 1);
        }

        void saw(String outcome) {
            seen.merge(outcome, 1, Integer::sum);
        }

        void note(String event) {
            trace.addLast(event);
            if (trace.size() > 25) {
                trace.removeFirst();
            }
        }

        String where() {
            return label + " step " + where + " at " + now + "; recent steps: " + String.join(" | ", trace);
        }

        void step(int step) {
            where = Integer.toString(step);
            int roll = random.nextInt(100);
            String node = "node-" + random.nextInt(NODES);
            if (roll < 35) {
                acquire(node);
            } else if (roll < 40) {
                renew(node);
            } else if (roll < 52) {
                release();
            } else if (roll < 61) {
                expire();
            } else if (roll < 68) {
                reserve(node);
            } else if (roll < 73) {
                unreserve();
            } else if (roll < 77) {
                flanneldLeaseAppears(node);
            } else if (roll < 80) {
                String ip = freshIp();
                note(node + " now has public IP " + ip);
                ipOf.put(node, ip);
            } else if (roll < 83) {
                configRewrittenUnchanged();
            } else if (roll < 93) {
                long seconds = random.nextLong(QUARANTINE.toSeconds() * 3 / 2);
                now = now.plusSeconds(seconds);
                note("clock +" + seconds + "s");
            } else {
                deliverWatch(1 + random.nextInt(Math.max(1, watchBacklog.size())));
            }
            checkInvariants();
        }

        // ------------------------------------------------------------ operations

        LeaseValue valueFor(String node) {
            VtepData vtep = new VtepData(1, "0e:00:00:00:00:" + String.format("%02x", node.hashCode() & 0xff));
            return new LeaseValue(
                    ipOf.get(node), "", "vxlan", v4 != null ? vtep : null, v6 != null ? vtep : null, node);
        }

        /** The lease a node holds: by its name, else an unnamed (flanneld) lease with its public IP. */
        Optional<ModelLease> heldBy(String node) {
            Optional<ModelLease> byName = leases.values().stream()
                    .filter(l -> l.nodeName().equals(node))
                    .findFirst();
            if (byName.isPresent()) {
                return byName;
            }
            String ip = ipOf.get(node);
            return leases.values().stream()
                    .filter(l -> l.nodeName().isEmpty()
                            && !ip.isEmpty()
                            && l.publicIp().equals(ip))
                    .findFirst();
        }

        boolean held(Family family, IpPrefix subnet) {
            return leases.keySet().stream().anyMatch(key -> subnet.equals(family.of(key)));
        }

        IpPrefix previousFor(String node, Family family) {
            int roll = random.nextInt(20);
            if (roll < 10 && lastHeld.containsKey(node)) {
                return family.of(lastHeld.get(node));
            }
            if (roll < 13) {
                return family.subnets.get(random.nextInt(family.subnets.size()));
            }
            if (roll == 13) {
                // Outside SubnetMin..SubnetMax: the network's first subnet, or another length.
                IpPrefix first = IpPrefix.of(family.space.network().address(), family.space.subnetLength());
                return random.nextBoolean()
                        ? first
                        : IpPrefix.of(family.space.network().address(), family.space.subnetLength() - 1);
            }
            return null;
        }

        Expected expect(Family family, IpPrefix previous, String node) {
            family.expire(now);
            if (previous != null
                    && family.space.contains(previous)
                    && !held(family, previous)
                    && !family.heldBack(previous, node, ipOf.get(node))) {
                return new Expected(previous, Set.of(), true);
            }
            Set<IpPrefix> fresh = new HashSet<>();
            for (IpPrefix subnet : family.subnets) {
                if (!held(family, subnet) && !family.quarantinedUntil.containsKey(subnet)) {
                    fresh.add(subnet);
                }
            }
            if (!fresh.isEmpty()) {
                return new Expected(null, fresh, false);
            }
            if (!family.quarantinedUntil.isEmpty()) {
                // Nothing else is free: the longest-quarantined subnet goes first.
                return new Expected(family.quarantinedUntil.keySet().iterator().next(), Set.of(), false);
            }
            return new Expected(null, Set.of(), false);
        }

        void acquire(String node) {
            IpPrefix previousV4 = v4 != null ? previousFor(node, v4) : null;
            IpPrefix previousV6 = v6 != null ? previousFor(node, v6) : null;
            AcquireIntent intent = new AcquireIntent(node, ipOf.get(node), previousV4, previousV6);
            Optional<ModelLease> held = heldBy(node);
            Expected expectV4 = v4 != null && held.isEmpty() ? expect(v4, previousV4, node) : null;
            Expected expectV6 = v6 != null && held.isEmpty() ? expect(v6, previousV6, node) : null;

            Choice choice = allocator.choose(intent, index, now);
            note("acquire " + intent + " -> " + choice);

            if (held.isPresent()) {
                ModelLease lease = held.get();
                assertThat(choice)
                        .as(where() + ": a node holding a lease gets it back")
                        .isInstanceOf(Choice.Reuse.class);
                Choice.Reuse reuse = (Choice.Reuse) choice;
                assertThat(reuse.lease().subnet()).as(where()).isEqualTo(lease.key());
                assertThat(reuse.source()).as(where()).isEqualTo(lease.reserved() ? "reservation" : "existing");
                saw("reuse " + reuse.source());
                if (lease.nodeName().isEmpty()) {
                    saw("flanneld lease adopted");
                }
                LeaseValue wanted = valueFor(node);
                if (!reuse.lease().value().sameAttributes(wanted)) {
                    // The server rewrites the key with the node's current attributes; a reservation
                    // keeps no etcd lease, an ordinary lease gets a fresh one.
                    long etcdLease = lease.reserved() ? 0 : nextEtcdLease++;
                    writeDirect(new StoredLease(lease.key(), wanted, etcdLease, ++revision));
                }
                return;
            }

            if (expectV4 != null && expectV4.exhausted()) {
                assertThat(choice)
                        .as(where() + ": model has no free IPv4 subnet")
                        .isEqualTo(new Choice.Exhausted("IPv4"));
                saw("exhausted IPv4");
                return;
            }
            if (expectV6 != null && expectV6.exhausted()) {
                assertThat(choice)
                        .as(where() + ": model has no free IPv6 subnet")
                        .isEqualTo(new Choice.Exhausted("IPv6"));
                saw("exhausted IPv6");
                // The IPv4 candidate went back as plainly free (no longer quarantined).
                if (expectV4 != null && expectV4.exactly() != null) {
                    v4.quarantinedUntil.remove(expectV4.exactly());
                }
                return;
            }
            if (!(choice instanceof Choice.Create create)) {
                fail(where() + ": expected a new lease (IPv4 " + expectV4 + ", IPv6 " + expectV6 + ") but got "
                        + choice);
                return;
            }
            SubnetKey key = create.subnet();
            if (expectV4 != null) {
                assertThat(expectV4.allows(key.ipv4()))
                        .as(where() + ": IPv4 " + key.ipv4() + " expected " + expectV4 + " (quarantined: "
                                + v4.quarantinedUntil + ")")
                        .isTrue();
            } else {
                assertThat(key.ipv4()).as(where()).isNull();
            }
            if (expectV6 != null) {
                assertThat(expectV6.allows(key.ipv6()))
                        .as(where() + ": IPv6 " + key.ipv6() + " expected " + expectV6 + " (quarantined: "
                                + v6.quarantinedUntil + ")")
                        .isTrue();
            } else {
                assertThat(key.ipv6()).as(where()).isNull();
            }
            boolean previous = expectV4 != null ? expectV4.previous() : expectV6.previous();
            assertThat(create.source()).as(where()).isEqualTo(previous ? "previous" : "new");
            for (Expected expected : new Expected[] {expectV4, expectV6}) {
                if (expected != null && expected.previous()) {
                    saw("previous");
                } else if (expected != null && expected.exactly() != null) {
                    saw("quarantined handed out");
                }
            }
            for (Family family : families) {
                if (!family.quarantinedUntil.isEmpty() && !family.quarantinedUntil.containsKey(family.of(key))) {
                    saw("new while others quarantined");
                }
            }
            for (Family family : families) {
                family.quarantinedUntil.remove(family.of(key));
            }

            if (random.nextInt(10) == 0) {
                // The create-if-absent failed (etcd unavailable): the server hands the subnets back.
                note("write of " + key + " failed; returned unused");
                saw("write failed");
                if (key.ipv4() != null) {
                    index.returnUnused(key.ipv4());
                }
                if (key.ipv6() != null) {
                    index.returnUnused(key.ipv6());
                }
                return;
            }
            writeDirect(new StoredLease(key, valueFor(node), nextEtcdLease++, ++revision));
            lastHeld.put(node, key);
        }

        void renew(String node) {
            Optional<ModelLease> lease = leases.values().stream()
                    .filter(l -> l.nodeName().equals(node))
                    .findFirst();
            note("renew " + node + " " + lease.map(ModelLease::key).orElse(null));
            if (lease.isPresent()) {
                // The server's renewal is a keep-alive of the etcd lease; the index only serves the lookup.
                Optional<StoredLease> found = index.bySubnet(lease.get().key().primary());
                assertThat(found).as(where()).isPresent();
                assertThat(found.get().nodeName()).as(where()).isEqualTo(node);
            }
        }

        void release() {
            List<ModelLease> named = leases.values().stream()
                    .filter(l -> !l.nodeName().isEmpty())
                    .toList();
            if (named.isEmpty()) {
                return;
            }
            ModelLease lease = named.get(random.nextInt(named.size()));
            if (lease.reserved()) {
                note("release of reservation " + lease.key() + " keeps it");
                return;
            }
            long deleteRevision = ++revision;
            note("release " + lease.key() + " at r" + deleteRevision);
            assertThat(index.applyDelete(lease.key(), deleteRevision, false, now))
                    .as(where())
                    .isPresent();
            watchBacklog.addLast(new Pending.Delete(lease.key(), deleteRevision));
            removeFromModel(lease.key());
        }

        void expire() {
            List<ModelLease> expirable =
                    leases.values().stream().filter(l -> !l.reserved()).toList();
            if (expirable.isEmpty()) {
                return;
            }
            ModelLease lease = expirable.get(random.nextInt(expirable.size()));
            deliverWatch(watchBacklog.size());
            long deleteRevision = ++revision;
            note("etcd expires " + lease.key() + " at r" + deleteRevision);
            assertThat(index.applyDelete(lease.key(), deleteRevision, true, now))
                    .as(where())
                    .isPresent();
            removeFromModel(lease.key());
        }

        void reserve(String node) {
            Optional<ModelLease> held = heldBy(node);
            SubnetKey key;
            if (held.isPresent() && random.nextBoolean()) {
                key = held.get().key();
            } else {
                key = new SubnetKey(
                        v4 != null ? v4.subnets.get(random.nextInt(v4.subnets.size())) : null,
                        v6 != null ? v6.subnets.get(random.nextInt(v6.subnets.size())) : null);
            }
            if (held.isPresent() && !held.get().key().equals(key)) {
                note("reserve " + key + " for " + node + " refused: it holds "
                        + held.get().key());
                return;
            }
            LeaseValue value;
            if (held.isPresent()) {
                // The node's own lease becomes a reservation in place.
                ModelLease lease = held.get();
                StoredLease current = index.bySubnet(key.primary()).orElseThrow();
                LeaseValue old = current.value();
                value = new LeaseValue(
                        ipOf.get(node),
                        old.publicIpv6(),
                        old.backendType(),
                        old.backendData(),
                        old.backendV6Data(),
                        node,
                        old.extra());
                note("reserve " + key + " for " + node + " (converts its lease)");
                writeDirect(new StoredLease(lease.key(), value, 0, ++revision));
                return;
            }
            boolean free = families.stream().allMatch(f -> !held(f, f.of(key)));
            if (!free) {
                // Asking for a held subnet is refused before anything is taken; not driven here (see
                // ReservationOperationsTest for a subnet whose IPv6 half alone is held).
                return;
            }
            for (Family family : families) {
                assertThat(index.takeIfAvailable(family.of(key)))
                        .as(where() + ": reserve " + key)
                        .isTrue();
                family.quarantinedUntil.remove(family.of(key));
            }
            note("reserve " + key + " for " + node);
            value = new LeaseValue(ipOf.get(node), "", "", null, null, node);
            writeDirect(new StoredLease(key, value, 0, ++revision));
        }

        void unreserve() {
            List<ModelLease> reserved =
                    leases.values().stream().filter(ModelLease::reserved).toList();
            if (reserved.isEmpty()) {
                return;
            }
            ModelLease lease = reserved.get(random.nextInt(reserved.size()));
            StoredLease current = index.bySubnet(lease.key().primary()).orElseThrow();
            if (lease.backendType().isEmpty()) {
                long deleteRevision = ++revision;
                note("unreserve " + lease.key() + " (unused: deleted at r" + deleteRevision + ")");
                assertThat(index.applyDelete(lease.key(), deleteRevision, false, now))
                        .as(where())
                        .isPresent();
                watchBacklog.addLast(new Pending.Delete(lease.key(), deleteRevision));
                removeFromModel(lease.key());
            } else {
                note("unreserve " + lease.key() + " (in use: becomes an ordinary lease)");
                writeDirect(new StoredLease(lease.key(), current.value(), nextEtcdLease++, ++revision));
            }
        }

        void flanneldLeaseAppears(String node) {
            String ip = ipOf.get(node);
            if (heldBy(node).isPresent()
                    || leases.values().stream().anyMatch(l -> l.publicIp().equals(ip))) {
                return;
            }
            // flanneld knows nothing of weft's quarantine: any subnet nobody holds.
            List<IpPrefix> parts = new ArrayList<>();
            for (Family family : families) {
                List<IpPrefix> unheld =
                        family.subnets.stream().filter(s -> !held(family, s)).toList();
                if (unheld.isEmpty()) {
                    return;
                }
                parts.add(unheld.get(random.nextInt(unheld.size())));
            }
            SubnetKey key = v4 != null
                    ? new SubnetKey(parts.get(0), v6 != null ? parts.get(1) : null)
                    : new SubnetKey(null, parts.get(0));
            deliverWatch(watchBacklog.size());
            LeaseValue value = new LeaseValue(ip, "", "vxlan", new VtepData(1, "c6:d2:32:6f:8f:44"), null, "");
            StoredLease lease = new StoredLease(key, value, nextEtcdLease++, ++revision);
            note("flanneld at " + ip + " creates " + key);
            assertThat(index.applyPut(lease, true)).as(where()).contains(lease);
            putInModel(lease);
            for (Family family : families) {
                family.quarantinedUntil.remove(family.of(key));
            }
        }

        void configRewrittenUnchanged() {
            deliverWatch(watchBacklog.size());
            long configRevision = ++revision;
            note("config rewritten unchanged at r" + configRevision);
            assertThat(index.applyConfig(new StoredConfig(json, configRevision), true))
                    .as(where())
                    .isEmpty();
            // The same ranges again: every quarantine in the model must still hold.
        }

        void deliverWatch(int count) {
            for (int i = 0; i < count && !watchBacklog.isEmpty(); i++) {
                Pending event = watchBacklog.removeFirst();
                saw("late watch event");
                switch (event) {
                    case Pending.Put put -> {
                        note("watch delivers own put " + put.lease().subnet() + " r"
                                + put.lease().modRevision());
                        assertThat(index.applyPut(put.lease(), true))
                                .as(where() + ": already applied")
                                .isEmpty();
                    }
                    case Pending.Delete delete -> {
                        note("watch delivers own delete " + delete.subnet() + " r" + delete.revision());
                        assertThat(index.applyDelete(delete.subnet(), delete.revision(), true, now))
                                .as(where() + ": already applied")
                                .isEmpty();
                    }
                }
                assertThat(index.revision())
                        .as(where())
                        .isGreaterThanOrEqualTo(
                                switch (event) {
                                    case Pending.Put put -> put.lease().modRevision();
                                    case Pending.Delete delete -> delete.revision();
                                });
            }
        }

        void writeDirect(StoredLease lease) {
            assertThat(index.applyPut(lease, false))
                    .as(where() + ": own write of " + lease.subnet())
                    .contains(lease);
            watchBacklog.addLast(new Pending.Put(lease));
            putInModel(lease);
        }

        void putInModel(StoredLease lease) {
            leases.put(
                    lease.subnet(),
                    new ModelLease(
                            lease.subnet(),
                            lease.nodeName(),
                            lease.value().publicIp(),
                            lease.reserved(),
                            lease.value().backendType(),
                            lease.modRevision()));
        }

        void removeFromModel(SubnetKey key) {
            ModelLease removed = leases.remove(key);
            for (Family family : families) {
                IpPrefix part = family.of(key);
                if (part != null && removed != null && !removed.reserved()) {
                    family.releasedBy.put(part, Map.entry(removed, now.plus(QUARANTINE)));
                }
                if (part != null && family.space.contains(part)) {
                    family.quarantinedUntil.remove(part);
                    family.quarantinedUntil.put(part, now.plus(QUARANTINE));
                }
            }
        }

        // ------------------------------------------------------------ invariants

        void checkInvariants() {
            List<StoredLease> all = index.all();
            assertThat(all)
                    .extracting(StoredLease::subnet)
                    .as(where() + ": the index's leases")
                    .containsExactlyElementsOf(leases.keySet());
            for (StoredLease lease : all) {
                ModelLease expected = leases.get(lease.subnet());
                assertThat(new ModelLease(
                                lease.subnet(),
                                lease.nodeName(),
                                lease.value().publicIp(),
                                lease.reserved(),
                                lease.value().backendType(),
                                lease.modRevision()))
                        .as(where())
                        .isEqualTo(expected);
                for (Family family : families) {
                    IpPrefix part = family.of(lease.subnet());
                    assertThat(part)
                            .as(where() + ": every lease has a " + family.name + " subnet")
                            .isNotNull();
                    assertThat(family.space.contains(part))
                            .as(where() + ": " + part + " inside " + family.space)
                            .isTrue();
                    assertThat(index.bySubnet(part).map(StoredLease::subnet))
                            .as(where())
                            .contains(lease.subnet());
                }
                if (!lease.value().publicIp().isEmpty()) {
                    assertThat(index.byPublicIp(lease.value().publicIp()).map(StoredLease::subnet))
                            .as(where() + ": lookup by public IP")
                            .contains(lease.subnet());
                }
            }
            for (Family family : families) {
                for (int i = 0; i < all.size(); i++) {
                    for (int j = i + 1; j < all.size(); j++) {
                        IpPrefix a = family.of(all.get(i).subnet());
                        IpPrefix b = family.of(all.get(j).subnet());
                        assertThat(a.overlaps(b))
                                .as(where() + ": " + a + " overlaps " + b)
                                .isFalse();
                    }
                }
                long reserved =
                        leases.values().stream().filter(ModelLease::reserved).count();
                assertThat(index.usage(family.ipv6))
                        .as(where())
                        .contains(new LeaseIndex.Usage(
                                family.space.size(),
                                leases.size() - reserved,
                                reserved,
                                family.space.size() - leases.size()));
            }
            for (String node : ipOf.keySet()) {
                Optional<SubnetKey> expected = leases.values().stream()
                        .filter(l -> l.nodeName().equals(node))
                        .map(ModelLease::key)
                        .findFirst();
                assertThat(index.byNode(node).map(StoredLease::subnet))
                        .as(where() + ": lookup of " + node)
                        .isEqualTo(expected);
            }
            assertThat(index.revision()).as(where()).isLessThanOrEqualTo(revision);
            assertThat(Objects.requireNonNull(index.config().orElse(null)).json())
                    .isEqualTo(json);
        }
    }
}
