package io.weft.allocator.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The map's JSON queries over a real index: counts by state, blocks, and bad parameters. */
class LeaseMapQueriesTest {

    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private static final String IPV4 = "{\"Network\":\"10.9.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}";
    private static final String IPV6 = "{\"EnableIPv4\":false,\"EnableIPv6\":true,\"IPv6Network\":\"fd00:9::/32\","
            + "\"IPv6SubnetLen\":64,\"Backend\":{\"Type\":\"host-gw\"}}";

    @Test
    void countsLeasedReservedQuarantinedAndFreeSubnets() {
        LeaseMapQueries queries = queriesOverIpv4WithThreeKinds();

        JsonObject state = queries.state();

        JsonObject family = state.getJsonArray("families").getJsonObject(0);
        assertThat(family.getMap())
                .containsEntry("family", "ipv4")
                .containsEntry("network", "10.9.0.0/16")
                .containsEntry("min", "10.9.1.0/24")
                .containsEntry("size", 255L)
                .containsEntry("leased", 1L)
                .containsEntry("reserved", 1L)
                .containsEntry("quarantined", 1L)
                .containsEntry("free", 252L);
        JsonObject held = state.getJsonArray("quarantined").getJsonObject(0);
        assertThat(held.getString("subnet")).isEqualTo("10.9.7.0/24");
        assertThat(held.getLong("index")).isEqualTo(6L);
        assertThat(held.getLong("until"))
                .isEqualTo(NOW.plus(Duration.ofMinutes(10)).toEpochMilli());
        assertThat(state.getString("backend")).isEqualTo("vxlan");
        assertThat(state.getBoolean("synced")).isTrue();
    }

    @Test
    void countsEachBlockOfTheRange() {
        LeaseMapQueries queries = queriesOverIpv4WithThreeKinds();

        JsonObject blocks = queries.blocks(Map.of("family", "ipv4", "from", "0", "to", "255", "cells", "64"));

        assertThat(blocks.getLong("per")).isEqualTo(4L);
        assertThat(blocks.getJsonArray("leased").size()).isEqualTo(64);
        assertThat(blocks.getJsonArray("leased").getLong(0)).isEqualTo(1L);
        assertThat(blocks.getJsonArray("reserved").getLong(1)).isEqualTo(1L);
        assertThat(blocks.getJsonArray("quarantined").getLong(1)).isEqualTo(1L);
        assertThat(blocks.getJsonArray("leased").stream()
                        .mapToLong(n -> ((Number) n).longValue())
                        .sum())
                .isEqualTo(1L);
    }

    @Test
    void cutsTwoToThe32SubnetsIntoBlocksWithoutListingThem() {
        LeaseIndex index = new LeaseIndex(Duration.ZERO);
        StoredLease lease = new StoredLease(
                new SubnetKey(null, IpPrefix.parse("fd00:9:0:5::/64")),
                new LeaseValue("", "fd99::1", "host-gw", null, null, "v6-node"),
                7,
                2);
        index.reset(new Snapshot(2, Optional.of(new StoredConfig(IPV6, 1)), List.of(lease), List.of()));
        LeaseMapQueries queries = new LeaseMapQueries(index, () -> true, InstantSource.fixed(NOW));

        JsonObject whole = queries.blocks(Map.of("family", "ipv6"));
        JsonObject zoomed = queries.blocks(Map.of("family", "ipv6", "from", "0", "to", "256", "cells", "4096"));

        assertThat(whole.getLong("to")).isEqualTo((1L << 32) - 1);
        assertThat(whole.getLong("per")).isEqualTo(1L << 20);
        assertThat(whole.getJsonArray("leased").size()).isEqualTo(4096);
        assertThat(whole.getJsonArray("leased").getLong(0)).isEqualTo(1L);
        assertThat(zoomed.getLong("per")).isEqualTo(1L);
        assertThat(zoomed.getJsonArray("leased").getLong(4)).isEqualTo(1L);
    }

    @Test
    void badParametersAreNamedWithWhatIsAllowed() {
        LeaseMapQueries queries = queriesOverIpv4WithThreeKinds();

        assertThatThrownBy(() -> queries.blocks(Map.of("family", "ipv5")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("family must be ipv4 or ipv6, got 'ipv5'");
        assertThatThrownBy(() -> queries.blocks(Map.of("family", "ipv6")))
                .hasMessage("family ipv6 is not enabled in the network config");
        assertThatThrownBy(() -> queries.blocks(Map.of("family", "ipv4", "from", "300")))
                .hasMessage("from must be a whole number from 0 to 254, got '300'");
        assertThatThrownBy(() -> queries.blocks(Map.of("family", "ipv4", "cells", "many")))
                .hasMessage("cells must be a whole number from 1 to 65536, got 'many'");
        assertThatThrownBy(() -> queries.blocks(Map.of("family", "ipv4", "from", "9", "to", "9")))
                .hasMessage("to must be a whole number from 10 to 255, got '9'");
    }

    private static LeaseMapQueries queriesOverIpv4WithThreeKinds() {
        LeaseIndex index = new LeaseIndex(Duration.ofMinutes(10));
        StoredLease leased = lease("10.9.1.0/24", "a", 11, 2);
        StoredLease reserved = lease("10.9.5.0/24", "b", 0, 3);
        StoredLease released = lease("10.9.7.0/24", "c", 12, 4);
        index.reset(new Snapshot(
                4, Optional.of(new StoredConfig(IPV4, 1)), List.of(leased, reserved, released), List.of()));
        index.apply(new StoreEvent.LeaseDeleted(released.subnet(), released, 5), true, NOW);
        return new LeaseMapQueries(index, () -> true, InstantSource.fixed(NOW));
    }

    private static StoredLease lease(String subnet, String node, long etcdLease, long revision) {
        return new StoredLease(
                SubnetKey.ipv4Only(IpPrefix.parse(subnet)),
                new LeaseValue("192.168.9." + revision, "", "vxlan", null, null, node),
                etcdLease,
                revision);
    }
}
