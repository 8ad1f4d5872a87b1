package io.weft.allocator.alloc;

import static io.weft.allocator.alloc.IndexFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpPrefix;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A subnet stays taken while any key still covers it: releasing one key frees only what no
 * other key (a foreign prefix, a key sharing a part, garbage at a lease key) still holds. Found
 * by {@link LeaseIndexCostTest}'s random keys; each case here is one of its failures.
 */
@Timeout(60)
class LeaseIndexOverlapTest {

    @Test
    void aResetWithTheSameConfigRebuildsTheFreeSetAroundTheSnapshot() {
        LeaseIndex index = indexWith(SMALL);
        index.applyPut(lease(key("10.0.0.64/26"), "gone", "192.168.0.1", 70, 2), true);

        // The watch was down: "gone" was deleted and "new" created meanwhile.
        StoredLease created = lease(key("10.0.1.0/26"), "new", "192.168.0.2", 71, 5);
        index.reset(new Snapshot(6, Optional.of(new StoredConfig(SMALL, 1)), List.of(created), List.of()));

        Set<IpPrefix> free = drain(index, false);
        assertThat(free).as("the created lease's subnet").doesNotContain(p("10.0.1.0/26"));
        assertThat(free).as("the deleted lease's subnet").contains(p("10.0.0.64/26"));
    }

    @Test
    void deletingOneOfTwoForeignPrefixesInOneSubnetKeepsThatSubnetTaken() {
        LeaseIndex index = indexWith(SMALL);
        index.applyPut(lease(key("10.0.1.0/28"), "a", "192.168.0.1", 70, 2), true);
        index.applyPut(lease(key("10.0.1.32/28"), "b", "192.168.0.2", 71, 3), true);

        index.applyDelete(key("10.0.1.32/28"), 4, true, T0);

        assertThat(drain(index, false)).as("10.0.1.0/26 still holds a's /28").doesNotContain(p("10.0.1.0/26"));
    }

    @Test
    void garbageAtAKeySharingALeasesIpv4PartKeepsItTakenWhenTheLeaseGoes() {
        LeaseIndex index = indexWith(DUAL);
        SubnetKey dual = new SubnetKey(p("10.0.0.64/26"), p("fd00:1:0:1::/64"));
        index.applyPut(lease(dual, "a", "192.168.0.1", 70, 2), true);
        index.applySkipped(
                new StoreEvent.Skipped("/coreos.com/network/subnets/10.0.0.64-26", "garbage", 3, key("10.0.0.64/26")),
                true);

        index.applyDelete(dual, 4, true, T0);

        assertThat(drain(index, false)).as("the garbage key still holds it").doesNotContain(p("10.0.0.64/26"));
        assertThat(drain(index, true)).contains(p("fd00:1:0:1::/64"));
    }

    @Test
    void twoDualStackKeysSharingAnIpv6PartKeepItTakenUntilBothAreGone() {
        LeaseIndex index = indexWith(DUAL);
        SubnetKey first = new SubnetKey(p("10.0.0.64/26"), p("fd00:1:0:1::/64"));
        SubnetKey second = new SubnetKey(p("10.0.0.128/26"), p("fd00:1:0:1::/64"));
        index.applyPut(lease(first, "a", "192.168.0.1", 70, 2), true);
        index.applyPut(lease(second, "b", "192.168.0.2", 71, 3), true);

        index.applyDelete(second, 4, true, T0);

        assertThat(index.takeIfAvailable(p("fd00:1:0:1::/64")))
                .as("still held by the first key")
                .isFalse();
        index.applyDelete(first, 5, true, T0);
        assertThat(index.takeIfAvailable(p("fd00:1:0:1::/64"))).isTrue();
    }

    @Test
    void aPrefixCoveringTheEndOfASpaceTruncatedToLongMaxValueSubnetsTakesItAll() {
        // fd3d:8000::/17 in /94s is 2^77 subnets, numbered only up to Long.MAX_VALUE.
        LeaseIndex index = indexWith("""
                {"EnableIPv4":false,"EnableIPv6":true,"IPv6Network":"fd3d:8000::/17","IPv6SubnetLen":94,\
                "Backend":{"Type":"vxlan"}}""");
        index.applyPut(lease(new SubnetKey(null, p("fd3d::/16")), "all", "", 70, 2), true);

        assertThat(index.takeAny(true, T0, LOWEST)).isEmpty();
    }
}
