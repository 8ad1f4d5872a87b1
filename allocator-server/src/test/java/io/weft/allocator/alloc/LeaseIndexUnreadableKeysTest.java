package io.weft.allocator.alloc;

import static io.weft.allocator.alloc.IndexFixtures.QUARANTINE;
import static io.weft.allocator.alloc.IndexFixtures.SMALL;
import static io.weft.allocator.alloc.IndexFixtures.T0;
import static io.weft.allocator.alloc.IndexFixtures.drain;
import static io.weft.allocator.alloc.IndexFixtures.indexWith;
import static io.weft.allocator.alloc.IndexFixtures.key;
import static io.weft.allocator.alloc.IndexFixtures.lease;
import static io.weft.allocator.alloc.IndexFixtures.p;
import static io.weft.allocator.alloc.IndexFixtures.subnets;
import static org.assertj.core.api.Assertions.assertThat;

import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredConfig;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Lease keys whose value is unreadable: their subnets stay taken, and they never remove a lease. */
@Timeout(10)
class LeaseIndexUnreadableKeysTest {

    private static final String GARBAGE_KEY = "/coreos.com/network/subnets/10.0.0.64-26";

    @Test
    void anUnreadableKeyInTheSnapshotKeepsItsSubnetTaken() {
        LeaseIndex index = new LeaseIndex(QUARANTINE);
        index.reset(new Snapshot(
                5,
                Optional.of(new StoredConfig(SMALL, 1)),
                List.of(),
                List.of(
                        new StoreEvent.Skipped(GARBAGE_KEY, "bad lease value", 4, key("10.0.0.64/26")),
                        new StoreEvent.Skipped("/coreos.com/network/other", "not a config or subnet key", 3))));

        assertThat(index.takeIfAvailable(p("10.0.0.64/26"))).isFalse();
        assertThat(drain(index, false)).hasSize(14).doesNotContain(p("10.0.0.64/26"));
        assertThat(index.all()).isEmpty();
    }

    @Test
    void anUnreadableKeyFromTheWatchIsTakenUntilItIsDeleted() {
        LeaseIndex index = indexWith(SMALL);

        index.applySkipped(new StoreEvent.Skipped(GARBAGE_KEY, "bad lease value", 2, key("10.0.0.64/26")), true);
        assertThat(index.takeIfAvailable(p("10.0.0.64/26"))).isFalse();
        assertThat(index.revision()).isEqualTo(2);

        index.applyDelete(key("10.0.0.64/26"), 3, true, T0);
        assertThat(drain(index, false)).isEqualTo(subnets("10.0.0.64/26", 15));
    }

    @Test
    void garbageOverALeaseKeepsTheLeaseAtTheGarbagesRevision() {
        LeaseIndex index = indexWith(SMALL);
        index.applyPut(lease(key("10.0.0.64/26"), "victim", "192.168.0.1", 7, 2), true);

        index.applySkipped(new StoreEvent.Skipped(GARBAGE_KEY, "bad lease value", 3, key("10.0.0.64/26")), true);

        assertThat(index.byNode("victim")).hasValueSatisfying(kept -> {
            assertThat(kept.modRevision())
                    .as("fences the holder's renewal on the key as it is now")
                    .isEqualTo(3);
            assertThat(kept.value().publicIp()).isEqualTo("192.168.0.1");
            assertThat(kept.etcdLeaseId()).isEqualTo(7);
        });
        // The holder's rewrite replaces it as usual; a delete then frees the subnet.
        index.applyPut(lease(key("10.0.0.64/26"), "victim", "192.168.0.1", 8, 4), true);
        index.applyDelete(key("10.0.0.64/26"), 5, true, T0);
        assertThat(index.all()).isEmpty();
        assertThat(drain(index, false)).contains(p("10.0.0.64/26"));
    }

    @Test
    void aValidLeaseWrittenOverGarbageIsAnOrdinaryLease() {
        LeaseIndex index = indexWith(SMALL);
        index.applySkipped(new StoreEvent.Skipped(GARBAGE_KEY, "bad lease value", 2, key("10.0.0.64/26")), true);

        index.applyPut(lease(key("10.0.0.64/26"), "repaired", "192.168.0.2", 7, 3), true);
        index.applyDelete(key("10.0.0.64/26"), 4, true, T0);

        assertThat(index.all()).isEmpty();
        assertThat(drain(index, false)).contains(p("10.0.0.64/26"));
    }
}
