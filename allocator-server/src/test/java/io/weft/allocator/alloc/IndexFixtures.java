package io.weft.allocator.alloc;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/** Shared set-up for the {@link LeaseIndex} tests: configs, leases, and draining the free sets. */
final class IndexFixtures {

    private IndexFixtures() {}

    static final long SEED = Long.getLong("weft.test.seed", System.nanoTime());
    static final Duration QUARANTINE = Duration.ofMinutes(10);
    static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    /** 15 subnets: 10.0.0.64/26 .. 10.0.3.192/26. */
    static final String SMALL = """
            {"Network":"10.0.0.0/22","SubnetLen":26,"Backend":{"Type":"vxlan"}}""";
    /** 31 subnets: 10.0.0.64/26 .. 10.0.7.192/26. */
    static final String GROWN = """
            {"Network":"10.0.0.0/21","SubnetLen":26,"Backend":{"Type":"vxlan"}}""";
    /** 8 subnets: 10.0.2.0/26 .. 10.0.3.192/26. */
    static final String SHRUNK = """
            {"Network":"10.0.0.0/22","SubnetLen":26,"SubnetMin":"10.0.2.0","SubnetMax":"10.0.3.192",\
            "Backend":{"Type":"vxlan"}}""";
    /** 15 IPv4 and 7 IPv6 subnets. */
    static final String DUAL = """
            {"Network":"10.0.0.0/22","SubnetLen":26,"EnableIPv6":true,"IPv6Network":"fd00:1::/61",\
            "IPv6SubnetLen":64,"Backend":{"Type":"vxlan"}}""";

    static final RandomGenerator LOWEST = new RandomGenerator() {
        @Override
        public long nextLong() {
            return 0;
        }

        @Override
        public long nextLong(long bound) {
            return 0;
        }
    };

    static IpPrefix p(String cidr) {
        return IpPrefix.parse(cidr);
    }

    static SubnetKey key(String cidr) {
        return SubnetKey.ipv4Only(p(cidr));
    }

    static StoredLease lease(SubnetKey key, String node, String publicIp, long etcdLease, long revision) {
        return new StoredLease(key, new LeaseValue(publicIp, "", "vxlan", null, null, node), etcdLease, revision);
    }

    static LeaseIndex indexWith(String json) {
        LeaseIndex index = new LeaseIndex(QUARANTINE);
        assertThat(index.reset(new Snapshot(1, Optional.of(new StoredConfig(json, 1)), List.of(), List.of())))
                .isEmpty();
        return index;
    }

    /** Takes every subnet the index will still hand out (quarantined ones too). */
    static Set<IpPrefix> drain(LeaseIndex index, boolean ipv6) {
        Set<IpPrefix> taken = new TreeSet<>();
        Random random = new Random(SEED);
        for (Optional<IpPrefix> next = index.takeAny(ipv6, T0, random);
                next.isPresent();
                next = index.takeAny(ipv6, T0, random)) {
            assertThat(taken.add(next.get()))
                    .as("handed out twice: %s", next.get())
                    .isTrue();
        }
        return taken;
    }

    static Set<IpPrefix> subnets(String first, int count) {
        Set<IpPrefix> subnets = new TreeSet<>();
        IpPrefix start = p(first);
        for (int i = 0; i < count; i++) {
            subnets.add(IpPrefix.of(start.address().plus((long) i << (32 - start.length())), start.length()));
        }
        return subnets;
    }
}
