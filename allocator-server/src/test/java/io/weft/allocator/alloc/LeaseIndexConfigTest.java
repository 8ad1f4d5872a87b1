package io.weft.allocator.alloc;

import static io.weft.allocator.alloc.IndexFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.Snapshot;
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
 * {@link LeaseIndex} and the network config: a change rebuilds the free sets around existing
 * leases (and keeps quarantine when the ranges are the same), configs are ordered by revision,
 * and usage counts per family.
 */
@Timeout(60)
class LeaseIndexConfigTest {

    // ---------------------------------------------------------------- config

    @Test
    void aGrownConfigKeepsExistingLeasesTaken() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease a = lease(key("10.0.0.64/26"), "a", "192.168.0.1", 70, 5);
        StoredLease b = lease(key("10.0.1.0/26"), "b", "192.168.0.2", 71, 6);
        index.applyPut(a, true);
        index.applyPut(b, true);

        assertThat(index.applyConfig(new StoredConfig(GROWN, 7), true)).isEmpty();

        assertThat(index.config().orElseThrow().network()).isEqualTo(p("10.0.0.0/21"));
        assertThat(index.usage(false)).contains(new LeaseIndex.Usage(31, 2, 0, 29));
        Set<IpPrefix> expected = subnets("10.0.0.64/26", 31);
        expected.remove(a.subnet().ipv4());
        expected.remove(b.subnet().ipv4());
        assertThat(drain(index, false)).isEqualTo(expected);
    }

    @Test
    void leasesOutsideANewConfigAreKeptAndListedButNotCounted() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease outsideLow = lease(key("10.0.0.64/26"), "a", "192.168.0.1", 70, 5);
        StoredLease outsideOther = lease(key("10.0.1.0/26"), "b", "192.168.0.2", 71, 6);
        StoredLease inside = lease(key("10.0.2.64/26"), "c", "192.168.0.3", 72, 7);
        StoredLease reservedInside =
                new StoredLease(key("10.0.3.0/26"), new LeaseValue("192.168.0.4", "", "", null, null, "d"), 0, 8);
        for (StoredLease l : List.of(outsideLow, outsideOther, inside, reservedInside)) {
            index.applyPut(l, true);
        }

        assertThat(index.applyConfig(new StoredConfig(SHRUNK, 9), true)).isEmpty();

        assertThat(index.all()).containsExactly(outsideLow, outsideOther, inside, reservedInside);
        assertThat(index.bySubnet(p("10.0.0.64/26"))).contains(outsideLow);
        assertThat(index.byNode("b")).contains(outsideOther);
        assertThat(index.usage(false)).contains(new LeaseIndex.Usage(8, 1, 1, 6));
        Set<IpPrefix> expected = subnets("10.0.2.0/26", 8);
        expected.remove(inside.subnet().ipv4());
        expected.remove(reservedInside.subnet().ipv4());
        assertThat(drain(index, false)).isEqualTo(expected);
        assertThat(index.takeIfAvailable(p("10.0.0.64/26")))
                .as("outside the space")
                .isFalse();
        // Deleting a lease outside the space frees nothing inside it.
        index.applyDelete(outsideLow.subnet(), 10, true, T0);
        assertThat(index.takeAny(false, T0, LOWEST)).isEmpty();
    }

    @Test
    void aConfigTakingAnOutsideLeaseBackInCountsItAgain() {
        LeaseIndex index = indexWith(SHRUNK);
        StoredLease outside = lease(key("10.0.0.64/26"), "a", "192.168.0.1", 70, 5);
        index.applyPut(outside, true);
        assertThat(index.usage(false)).contains(new LeaseIndex.Usage(8, 0, 0, 8));

        index.applyConfig(new StoredConfig(SMALL, 6), true);

        assertThat(index.usage(false)).contains(new LeaseIndex.Usage(15, 1, 0, 14));
        assertThat(drain(index, false)).hasSize(14).doesNotContain(p("10.0.0.64/26"));
    }

    @Test
    void usageCountsLeasesAndReservationsPerFamily() {
        LeaseIndex index = indexWith(DUAL);
        index.applyPut(lease(new SubnetKey(p("10.0.0.64/26"), p("fd00:1:0:1::/64")), "a", "192.168.0.1", 70, 5), true);
        index.applyPut(lease(new SubnetKey(p("10.0.0.128/26"), p("fd00:1:0:2::/64")), "b", "192.168.0.2", 71, 6), true);
        index.applyPut(
                new StoredLease(
                        new SubnetKey(p("10.0.0.192/26"), p("fd00:1:0:3::/64")),
                        new LeaseValue("192.168.0.3", "", "", null, null, "c"),
                        0,
                        7),
                false);
        // A flanneld lease with no IPv6 half counts for IPv4 only.
        index.applyPut(lease(key("10.0.1.0/26"), "", "192.168.0.4", 72, 8), true);

        assertThat(index.usage(false)).contains(new LeaseIndex.Usage(15, 3, 1, 11));
        assertThat(index.usage(true)).contains(new LeaseIndex.Usage(7, 2, 1, 4));
    }

    @Test
    void withoutAConfigThereIsNoUsageAndNothingToTake() {
        LeaseIndex index = new LeaseIndex(QUARANTINE);
        index.reset(new Snapshot(
                4, Optional.empty(), List.of(lease(key("10.0.1.0/26"), "a", "192.168.0.1", 70, 3)), List.of()));

        assertThat(index.config()).isEmpty();
        assertThat(index.usage(false)).isEmpty();
        assertThat(index.usage(true)).isEmpty();
        assertThat(index.takeIfAvailable(p("10.0.2.0/26"))).isFalse();
        assertThat(index.all()).hasSize(1);
        assertThat(index.revision()).isEqualTo(4);
    }

    @Test
    void deletingTheConfigKeepsTheLeases() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease a = lease(key("10.0.1.0/26"), "a", "192.168.0.1", 70, 5);
        index.applyPut(a, true);

        index.applyConfigDeleted(6, true);

        assertThat(index.config()).isEmpty();
        assertThat(index.storedConfig()).isEmpty();
        assertThat(index.byNode("a")).contains(a);
        assertThat(index.usage(false)).isEmpty();
        assertThat(index.revision()).isEqualTo(6);
    }

    @Test
    void anInvalidConfigIsReportedAndLeavesNoConfigInForce() {
        LeaseIndex index = indexWith(SMALL);

        Optional<String> problem = index.applyConfig(new StoredConfig("{\"Network\":\"10.0.0.0/22\"}", 6), true);

        assertThat(problem).isPresent();
        assertThat(problem.get()).contains("Backend");
        assertThat(index.config()).isEmpty();
        assertThat(index.storedConfig()).contains(new StoredConfig("{\"Network\":\"10.0.0.0/22\"}", 6));
        assertThat(index.usage(false)).isEmpty();
    }

    @Test
    void resetReplacesEverythingWithTheSnapshot() {
        LeaseIndex index = indexWith(SMALL);
        index.applyPut(lease(key("10.0.1.0/26"), "a", "192.168.0.1", 70, 5), false);
        index.applyDelete(key("10.0.1.0/26"), 6, false, T0);
        StoredLease kept = lease(key("10.0.2.0/26"), "b", "192.168.0.2", 71, 3);

        assertThat(index.reset(new Snapshot(40, Optional.of(new StoredConfig(GROWN, 2)), List.of(kept), List.of())))
                .isEmpty();

        assertThat(index.all()).containsExactly(kept);
        assertThat(index.byNode("a")).isEmpty();
        assertThat(index.revision()).isEqualTo(40);
        assertThat(index.usage(false)).contains(new LeaseIndex.Usage(31, 1, 0, 30));
        assertThat(index.takeIfAvailable(p("10.0.2.0/26"))).isFalse();
        assertThat(index.takeIfAvailable(p("10.0.1.0/26")))
                .as("not held in the snapshot")
                .isTrue();
    }

    @Test
    void resetWithAnInvalidStoredConfigKeepsTheLeasesAndReportsIt() {
        LeaseIndex index = new LeaseIndex(QUARANTINE);
        StoredLease a = lease(key("10.0.1.0/26"), "a", "192.168.0.1", 70, 3);

        Optional<String> problem =
                index.reset(new Snapshot(5, Optional.of(new StoredConfig("not json", 2)), List.of(a), List.of()));

        assertThat(problem).isPresent();
        assertThat(index.config()).isEmpty();
        assertThat(index.all()).containsExactly(a);
    }

    @Test
    void aStaleWatchedConfigNeverUndoesANewerDirectConfig() {
        LeaseIndex index = indexWith(SMALL);

        index.applyConfig(new StoredConfig(GROWN, 11), false);
        index.applyConfig(new StoredConfig(SMALL, 10), true);

        assertThat(index.storedConfig().orElseThrow().modRevision()).isEqualTo(11);
        assertThat(index.config().orElseThrow().network()).isEqualTo(p("10.0.0.0/21"));
    }

    @Test
    void aStaleWatchedConfigDeleteNeverUndoesANewerDirectConfig() {
        LeaseIndex index = indexWith(SMALL);

        index.applyConfig(new StoredConfig(GROWN, 11), false);
        index.applyConfigDeleted(10, true);

        assertThat(index.config()).isPresent();
    }

    @Test
    void quarantineSurvivesAnUnchangedConfigRewrite() {
        LeaseIndex index = indexWith(SMALL);
        StoredLease lowest = lease(key("10.0.0.64/26"), "a", "192.168.0.1", 70, 5);
        index.applyPut(lowest, true);
        index.applyDelete(lowest.subnet(), 6, true, T0);

        assertThat(index.applyConfig(new StoredConfig(SMALL, 7), true)).isEmpty();

        assertThat(index.takeAny(false, T0.plusSeconds(1), LOWEST))
                .as("10.0.0.64/26 is still quarantined")
                .contains(p("10.0.0.128/26"));
    }

    @Test
    void takeAnyWithoutAConfigAnswersEmpty() {
        LeaseIndex index = indexWith(SMALL);
        index.applyConfigDeleted(5, true);

        assertThat(index.takeAny(false, T0, LOWEST)).isEmpty();
    }
}
