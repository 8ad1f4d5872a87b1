package io.weft.allocator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's view takes a change from two places: its etcd watch, and the answer to its own
 * write (so a node sees its lease at once). That is one path only if both say the same thing:
 * the changes a committed write reports are exactly the events the watch delivers for its
 * revision, key for key, in every kind of write.
 */
@Timeout(60)
class WrittenChangesIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final SubnetKey FIRST = SubnetKey.ipv4Only(IpPrefix.parse("10.30.1.0/24"));
    private static final SubnetKey SECOND = SubnetKey.ipv4Only(IpPrefix.parse("10.30.2.0/24"));

    @Test
    void everyWritesReportedChangesAreWhatTheWatchDelivers() throws Exception {
        KeyLayout layout = new KeyLayout("/written-changes/network");
        try (Client client = Client.builder()
                        .endpoints(ETCD.endpoints().toArray(String[]::new))
                        .build();
                LeaseStore etcd = new EtcdLeaseStore(client, layout, EtcdRequestObserver.NONE)) {
            List<StoreEvent> watched = new CopyOnWriteArrayList<>();
            long start = etcd.currentRevision().get(10, TimeUnit.SECONDS);
            try (AutoCloseable watch = etcd.watch(start + 1, recorder(watched))) {
                long etcdLease = etcd.grant(Duration.ofMinutes(5)).get(10, TimeUnit.SECONDS);
                HostAddress ip = new HostAddress(HostAddress.Kind.PUBLIC_IP, "192.168.30.1");
                HostAddress mac = new HostAddress(HostAddress.Kind.VTEP_MAC, "0a:00:00:00:30:01");
                HostAddress movedIp = new HostAddress(HostAddress.Kind.PUBLIC_IP, "192.168.30.9");
                LeaseValue first = value("192.168.30.1", "0a:00:00:00:30:01");
                LeaseValue renumbered = value("192.168.30.9", "0a:00:00:00:30:01");

                List<WriteOutcome.Written> writes = new ArrayList<>();
                writes.add(written(etcd.putWithClaim(new LeaseWrite(
                        FIRST,
                        first,
                        etcdLease,
                        0,
                        0,
                        null,
                        new AddressFences(List.of(new AddressFence(ip, 0), new AddressFence(mac, 0)), List.of())))));
                long created = writes.getLast().revision();
                writes.add(written(etcd.putWithClaim(new LeaseWrite(
                        SECOND,
                        renumbered,
                        etcdLease,
                        0,
                        created,
                        new StoredLease(FIRST, first, etcdLease, created),
                        new AddressFences(
                                List.of(new AddressFence(movedIp, 0), new AddressFence(mac, created)),
                                List.of(new AddressFence(ip, created)))))));
                long moved = writes.getLast().revision();
                writes.add(written(etcd.deleteWithClaim(
                        SECOND,
                        moved,
                        "node-a",
                        moved,
                        List.of(new AddressFence(movedIp, moved), new AddressFence(mac, moved)))));
                writes.add(written(etcd.compareAndPut(
                        FIRST,
                        value("192.168.30.2", "0a:00:00:00:30:02"),
                        0,
                        0,
                        new AddressFences(List.of(new AddressFence(ip, 0)), List.of()))));
                writes.add(written(etcd.compareAndDelete(
                        FIRST,
                        writes.getLast().revision(),
                        List.of(new AddressFence(ip, writes.getLast().revision())))));

                long last = writes.getLast().revision();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> !watched.isEmpty() && watched.getLast().revision() >= last);
                for (WriteOutcome.Written write : writes) {
                    List<StoreEvent> delivered = watched.stream()
                            .filter(e -> e.revision() == write.revision())
                            .map(WrittenChangesIT::comparable)
                            .toList();
                    assertThat(write.changes().stream()
                                    .map(WrittenChangesIT::comparable)
                                    .toList())
                            .as("changes reported by the write at revision %d", write.revision())
                            .containsExactlyInAnyOrderElementsOf(delivered)
                            .isNotEmpty();
                }
            }
        }
    }

    /** The watch also carries a deleted lease's previous value, which a write does not report. */
    private static StoreEvent comparable(StoreEvent event) {
        return event instanceof StoreEvent.LeaseDeleted deleted
                ? new StoreEvent.LeaseDeleted(deleted.subnet(), null, deleted.revision())
                : event;
    }

    private static LeaseValue value(String publicIp, String mac) {
        return new LeaseValue(publicIp, "", "vxlan", new VtepData(1, mac), null, "node-a");
    }

    private static WriteOutcome.Written written(CompletableFuture<WriteOutcome> write) throws Exception {
        WriteOutcome outcome = write.get(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        return (WriteOutcome.Written) outcome;
    }

    private static LeaseStore.WatchListener recorder(List<StoreEvent> watched) {
        return new LeaseStore.WatchListener() {
            @Override
            public void onEvent(StoreEvent event) {
                watched.add(event);
            }

            @Override
            public void onCompacted(long compactedRevision) {
                throw new AssertionError("compacted at " + compactedRevision);
            }

            @Override
            public void onFailed(Throwable cause) {
                throw new AssertionError(cause);
            }
        };
    }
}
