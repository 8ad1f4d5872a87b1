package io.weft.node.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.client.LeaseKey;
import io.weft.client.LeaseWatchListener;
import io.weft.client.ManualScheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A watch reset that drops this node's lease and most peers is a lost etcd, not every peer
 * leaving: the peers stay programmed until they come back or the grace period ends. Any other
 * reset or removal is applied at once.
 */
@Timeout(30)
class PeerEventsTest {

    private static final Duration GRACE = Duration.ofMinutes(2);

    private final ManualScheduler timer = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<Map<String, Lease>> views = new ArrayList<>();
    private final List<String> toKeeper = new ArrayList<>();
    private final LeaseWatchListener keeper = new LeaseWatchListener() {
        @Override
        public void onSnapshot(long revision, boolean reset, Map<String, Lease> leases) {
            toKeeper.add("snapshot " + leases.keySet().stream().sorted().toList());
        }

        @Override
        public void onEvent(WatchLeasesResponse event) {
            toKeeper.add(event.getType() + " " + event.getLease().getSubnet());
        }
    };

    private PeerEvents events(Duration grace) {
        return new PeerEvents(view -> views.add(view.get()), keeper, new StoreLossGrace("node-a", grace), timer);
    }

    private static Lease lease(String node, int n) {
        return Lease.newBuilder()
                .setNodeName(node)
                .setSubnet("10.244." + n + ".0/24")
                .build();
    }

    private static Map<String, Lease> leases(Lease... leases) {
        Map<String, Lease> map = new LinkedHashMap<>();
        for (Lease lease : leases) {
            map.put(lease.getSubnet(), lease);
        }
        return map;
    }

    private static WatchLeasesResponse added(Lease lease) {
        return WatchLeasesResponse.newBuilder()
                .setType(WatchLeasesResponse.Type.ADDED)
                .setLease(lease)
                .build();
    }

    private static WatchLeasesResponse removed(Lease lease) {
        return WatchLeasesResponse.newBuilder()
                .setType(WatchLeasesResponse.Type.REMOVED)
                .setLease(lease)
                .build();
    }

    /** The LeaseWatch's one view: updated before the listener hears of a change, handed to it read-only. */
    private final Map<String, Lease> watchView = new TreeMap<>();

    private void snapshot(PeerEvents events, long revision, boolean reset, Map<String, Lease> leases) {
        watchView.clear();
        watchView.putAll(leases);
        events.onSnapshot(revision, reset, Map.copyOf(leases));
    }

    private void event(PeerEvents events, WatchLeasesResponse event) {
        String key = LeaseKey.of(event.getLease());
        if (event.getType() == WatchLeasesResponse.Type.REMOVED) {
            watchView.remove(key);
        } else {
            watchView.put(key, event.getLease());
        }
        events.onEvent(event, Collections.unmodifiableMap(watchView));
    }

    private Map<String, Lease> lastView() {
        return views.getLast();
    }

    private static final Lease OWN = lease("node-a", 1);
    private static final Lease B = lease("node-b", 2);
    private static final Lease C = lease("node-c", 3);
    private static final Lease D = lease("node-d", 4);

    @Test
    void anEmptyResetAfterALostStoreKeepsEveryPeerUntilTheGracePeriodEnds() {
        PeerEvents events = events(GRACE);
        snapshot(events, 10, false, leases(OWN, B, C, D));

        snapshot(events, 1, true, Map.of());
        assertThat(lastView().keySet()).containsExactlyInAnyOrder(B.getSubnet(), C.getSubnet(), D.getSubnet());

        event(events, added(B.toBuilder().setPublicIp("192.0.2.2").build()));
        assertThat(lastView().get(B.getSubnet()).getPublicIp())
                .as("the returned lease replaces the kept one")
                .isEqualTo("192.0.2.2");

        timer.advance(GRACE.minusSeconds(1));
        assertThat(lastView()).hasSize(3);
        timer.advance(Duration.ofSeconds(1));
        assertThat(lastView().keySet()).as("C and D never came back").containsExactly(B.getSubnet());
    }

    @Test
    void theViewIsMadeWhenTakenWithEveryChangeBeforeIt() {
        List<Supplier<Map<String, Lease>>> offered = new ArrayList<>();
        PeerEvents events = new PeerEvents(offered::add, keeper, new StoreLossGrace("node-a", GRACE), timer);
        snapshot(events, 10, false, leases(OWN, B));

        event(events, added(C));
        event(events, removed(B));

        assertThat(offered).hasSize(3);
        assertThat(offered.getFirst().get().keySet())
                .as("taken after the events, the snapshot's offer shows them")
                .containsExactlyInAnyOrder(OWN.getSubnet(), C.getSubnet());
    }

    @Test
    void whenItsOwnCountDisagreesWithTheWatchsViewTheWatchsViewIsHandedOver() {
        PeerEvents events = events(GRACE);
        snapshot(events, 10, false, leases(OWN, B));
        watchView.put(D.getSubnet(), D); // the watch holds a lease no snapshot or event showed here

        event(events, added(C));

        assertThat(lastView().keySet())
                .containsExactlyInAnyOrder(OWN.getSubnet(), B.getSubnet(), C.getSubnet(), D.getSubnet());
        event(events, removed(B));
        assertThat(lastView().keySet()).containsExactlyInAnyOrder(OWN.getSubnet(), C.getSubnet(), D.getSubnet());
    }

    @Test
    void aPeerThatCameBackAndLeavesAgainIsRemoved() {
        PeerEvents events = events(GRACE);
        snapshot(events, 10, false, leases(OWN, B, C, D));
        snapshot(events, 1, true, Map.of());
        event(events, added(C));

        event(
                events,
                WatchLeasesResponse.newBuilder()
                        .setType(WatchLeasesResponse.Type.REMOVED)
                        .setLease(C)
                        .build());

        assertThat(lastView().keySet()).containsExactlyInAnyOrder(B.getSubnet(), D.getSubnet());
    }

    @Test
    void withoutAGracePeriodTheResetRemovesEveryPeerAtOnce() {
        PeerEvents events = events(Duration.ZERO);
        snapshot(events, 10, false, leases(OWN, B, C, D));

        snapshot(events, 1, true, Map.of());

        assertThat(lastView()).isEmpty();
    }

    @Test
    void aResetThatKeepsThisNodesLeaseIsPeersLeaving() {
        PeerEvents events = events(GRACE);
        snapshot(events, 10, false, leases(OWN, B, C, D));

        snapshot(events, 11, true, leases(OWN));

        assertThat(lastView().keySet()).containsExactly(OWN.getSubnet());
    }

    @Test
    void aResetThatDropsOnlyAFewPeersIsThosePeersLeaving() {
        PeerEvents events = events(GRACE);
        snapshot(events, 10, false, leases(OWN, B, C, D));

        snapshot(events, 11, true, leases(B, C));

        assertThat(lastView().keySet()).containsExactlyInAnyOrder(B.getSubnet(), C.getSubnet());
    }

    @Test
    void everySnapshotAndEventAlsoReachesTheLeaseKeeper() {
        PeerEvents events = events(GRACE);
        snapshot(events, 10, false, leases(OWN, B));
        snapshot(events, 1, true, Map.of());
        event(events, added(OWN));

        assertThat(toKeeper)
                .containsExactly("snapshot [10.244.1.0/24, 10.244.2.0/24]", "snapshot []", "ADDED 10.244.1.0/24");
    }
}
