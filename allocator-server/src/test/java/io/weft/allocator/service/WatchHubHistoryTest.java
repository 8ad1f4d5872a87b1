package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.config.IpPrefix;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hub's history: each event encoded once for every watcher, extended backwards only where it
 * joins without a gap and fits, and trimmed a whole etcd transaction at a time.
 */
@Timeout(10)
class WatchHubHistoryTest {

    private final LeaseMessages messages = new LeaseMessages(new ExpiryTracker());
    private final WatchHub hub = new WatchHub(4, messages, new SimpleMeterRegistry());

    @Test
    void everyWatcherGetsTheSameEncodedEventAndItsBytesGoOutAsEncoded() throws Exception {
        hub.reset(List.of(), 10);
        Recorder first = new Recorder();
        Recorder second = new Recorder();
        hub.subscribe(10, first);
        hub.subscribe(10, second);

        hub.added(lease(1, 11), true);

        assertThat(first.events).hasSize(1);
        assertThat(second.events.getFirst()).isSameAs(first.events.getFirst());
        WatchMessage event = first.events.getFirst();
        InputStream wire = new WatchMessageMarshaller().stream(event);
        assertThat(wire.available()).isEqualTo(event.size());
        WatchLeasesResponse decoded = WatchLeasesResponse.parseFrom(wire);
        assertThat(decoded).isEqualTo(event.message());
        assertThat(decoded.getType()).isEqualTo(WatchLeasesResponse.Type.ADDED);
        assertThat(decoded.getLease().getSubnet()).isEqualTo("10.1.1.0/24");
    }

    @Test
    void aWatcherAttachedBeforeTheFirstListGetsItAsAResetSnapshot() {
        Recorder early = new Recorder();
        hub.subscribe(5, early);

        hub.reset(List.of(lease(1, 3), lease(2, 8)), 8);

        assertThat(early.snapshots)
                .as("the list folds in changes after 5 the watcher was never sent")
                .containsExactly(true);
    }

    @Test
    void olderEventsThatJoinTheHistoryServeWatchersResumingFromThem() {
        hub.reset(List.of(lease(1, 3), lease(2, 8)), 8);
        hub.added(lease(3, 9), true);

        assertThat(hub.prepend(List.of(added(2, 8)), 5, 7))
                .as("a gap between 7 and 8")
                .isFalse();
        assertThat(hub.prepend(List.of(added(2, 8), added(4, 8), added(5, 8), added(6, 8)), 5, 8))
                .as("more than the history holds")
                .isFalse();
        assertThat(hub.prepend(List.of(added(2, 8)), 5, 8)).isTrue();
        assertThat(hub.servableFrom()).isEqualTo(5);

        Recorder resumed = new Recorder();
        hub.subscribe(5, resumed);
        assertThat(resumed.snapshots).isEmpty();
        assertThat(resumed.events).extracting(WatchMessage::revision).containsExactly(8L, 9L);
        assertThat(resumed.progress).containsExactly(9L);
    }

    @Test
    void oneTransactionsEventsLeaveTheHistoryTogether() {
        hub.reset(List.of(), 10);
        hub.added(lease(1, 11), true);
        hub.added(lease(2, 12), true); // two keys written by one transaction
        hub.removed(lease(9, 1).subnet(), null, "deleted", 12);
        hub.added(lease(3, 13), true);
        hub.added(lease(4, 14), true); // five events in a history of four: 11 goes
        assertThat(hub.servableFrom()).isEqualTo(11);
        hub.added(lease(5, 15), true); // 12 goes, both of its events

        assertThat(hub.servableFrom()).isEqualTo(12);
        Recorder resumed = new Recorder();
        hub.subscribe(12, resumed);
        assertThat(resumed.snapshots).isEmpty();
        assertThat(resumed.events).extracting(WatchMessage::revision).containsExactly(13L, 14L, 15L);
        Recorder tooOld = new Recorder();
        hub.subscribe(11, tooOld);
        assertThat(tooOld.snapshots).containsExactly(true);
    }

    private WatchMessage added(int n, long revision) {
        return WatchMessage.of(messages.putEvent(lease(n, revision), true));
    }

    private static StoredLease lease(int n, long revision) {
        return new StoredLease(
                SubnetKey.ipv4Only(IpPrefix.parse("10.1." + n + ".0/24")),
                new LeaseValue("192.168.0." + n, "", "host-gw", null, null, "node-" + n),
                0,
                revision);
    }

    private static final class Recorder implements WatchHub.Sink {
        final List<WatchMessage> events = new ArrayList<>();
        final List<Boolean> snapshots = new ArrayList<>();
        final List<Long> progress = new ArrayList<>();

        @Override
        public void send(WatchLeasesResponse event) {
            throw new AssertionError("the hub sends encoded events");
        }

        @Override
        public void send(WatchMessage event) {
            events.add(event);
        }

        @Override
        public void sendSnapshot(SnapshotSource snapshot) {
            snapshots.add(snapshot.reset());
        }

        @Override
        public void progress(long revision, boolean force) {
            progress.add(revision);
        }
    }
}
