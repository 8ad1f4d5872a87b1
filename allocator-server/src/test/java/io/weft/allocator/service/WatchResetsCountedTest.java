package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.config.IpPrefix;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** weft_watch_resets counts every reset snapshot a watcher is sent, for whatever reason. */
@Timeout(10)
class WatchResetsCountedTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WatchHub hub = new WatchHub(2, new LeaseMessages(new ExpiryTracker()), registry);

    @Test
    void aTooOldResumeAReListAndABehindWatcherEachCountOnce() {
        hub.reset(List.of(lease(1, 5)), 5);
        hub.added(lease(2, 6), true);
        hub.added(lease(3, 7), true);
        hub.added(lease(4, 8), true);
        List<Boolean> resets = new ArrayList<>();
        WatchHub.Sink resumed = sink(resets);
        WatchHub.Sink fresh = sink(resets);

        hub.subscribe(5, resumed); // the history holds only two events: 5 is too old to replay
        assertThat(resets()).isEqualTo(1);
        hub.subscribe(0, fresh); // a fresh snapshot is no reset
        assertThat(resets()).isEqualTo(1);
        hub.reset(List.of(lease(1, 9)), 9); // a re-list resets both attached watchers
        assertThat(resets()).isEqualTo(3);
        hub.resetSnapshot(); // a watcher that fell behind
        assertThat(resets()).isEqualTo(4);
        assertThat(resets).containsExactly(true, false, true, true);
    }

    private static WatchHub.Sink sink(List<Boolean> resets) {
        return new WatchHub.Sink() {
            @Override
            public void send(WatchLeasesResponse event) {}

            @Override
            public void sendSnapshot(SnapshotSource snapshot) {
                resets.add(snapshot.reset());
            }

            @Override
            public void progress(long revision, boolean force) {}
        };
    }

    private double resets() {
        return registry.get("weft_watch_resets").counter().count();
    }

    private static StoredLease lease(int n, long revision) {
        return new StoredLease(
                SubnetKey.ipv4Only(IpPrefix.parse("10.1." + n + ".0/24")),
                new LeaseValue("192.168.0." + n, "", "host-gw", null, null, "node-" + n),
                0,
                revision);
    }
}
