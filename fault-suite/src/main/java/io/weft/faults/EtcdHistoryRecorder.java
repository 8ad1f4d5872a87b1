package io.weft.faults;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseValue;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checker's ground truth: one etcd watch on every lease key from revision 1, straight to etcd
 * (not through the allocator), recording each put and delete. jetcd resumes it across member
 * failures from the last revision it saw (the listener hears of each interruption first); the
 * suite never compacts past that revision ({@link #lastRevision()}), so a resumption can always
 * be served. If the watch is compacted or closed anyway the history is marked incomplete and the
 * run cannot pass; a resumption that silently skipped changes shows up as a history that does
 * not replay to etcd's final state.
 */
final class EtcdHistoryRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdHistoryRecorder.class);

    private final Client client;
    private final KeyLayout layout;
    private final List<EtcdChange> changes = new ArrayList<>();
    private long lastRevision;
    private boolean broken;
    private boolean closing;
    private Watch.Watcher watcher;

    EtcdHistoryRecorder(Client client, KeyLayout layout) {
        this.client = client;
        this.layout = layout;
    }

    void start() {
        WatchOption option =
                WatchOption.builder().isPrefix(true).withRevision(1).build();
        watcher = client.getWatchClient()
                .watch(
                        bytes(layout.subnetsPrefix()),
                        option,
                        Watch.listener(this::record, this::interrupted, () -> broke(null)));
    }

    private synchronized void record(WatchResponse response) {
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            String subnet = subnetOf(kv.getKey().toString(StandardCharsets.UTF_8));
            long revision = kv.getModRevision();
            if (event.getEventType() == WatchEvent.EventType.DELETE) {
                changes.add(EtcdChange.delete(revision, subnet));
            } else {
                changes.add(EtcdChange.put(revision, subnet, nodeOf(kv)));
            }
            lastRevision = Math.max(lastRevision, revision);
        }
    }

    private void interrupted(Throwable error) {
        if (error instanceof CompactedException) {
            broke(error);
        } else {
            LOG.info(
                    "the etcd history watch was interrupted ({}); jetcd resumes it after revision {}",
                    error.getMessage(),
                    lastRevision());
        }
    }

    private synchronized void broke(Throwable error) {
        if (closing) {
            return;
        }
        if (!broken) {
            LOG.error("the etcd history watch ended; the history is incomplete", error);
        }
        broken = true;
    }

    /** The highest revision recorded so far. */
    synchronized long lastRevision() {
        return lastRevision;
    }

    synchronized List<EtcdChange> changes() {
        return List.copyOf(changes);
    }

    synchronized boolean complete() {
        return !broken;
    }

    /** Whether the history replays to {@code state} at {@code revision}: the recorder has caught up. */
    synchronized boolean reached(Map<String, HeldLease> state, long revision) {
        return new EtcdReplay(changes).stateAt(revision).equals(state);
    }

    /** The lease keys in etcd now, and the revision they were read at. */
    FinalState readLeases() throws Exception {
        GetResponse response = client.getKVClient()
                .get(
                        bytes(layout.subnetsPrefix()),
                        GetOption.builder().isPrefix(true).build())
                .get(30, TimeUnit.SECONDS);
        Map<String, HeldLease> leases = new HashMap<>();
        for (KeyValue kv : response.getKvs()) {
            leases.put(
                    subnetOf(kv.getKey().toString(StandardCharsets.UTF_8)),
                    new HeldLease(nodeOf(kv), kv.getModRevision()));
        }
        return new FinalState(Map.copyOf(leases), response.getHeader().getRevision());
    }

    record FinalState(Map<String, HeldLease> leases, long revision) {}

    private String subnetOf(String key) {
        return layout.parseLeaseKey(key)
                .map(subnet -> subnet.primary().toString())
                .orElseThrow(() -> new IllegalStateException("not a lease key: " + key));
    }

    private static String nodeOf(KeyValue kv) {
        return LeaseValue.parse(kv.getValue().toString(StandardCharsets.UTF_8)).nodeName();
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        synchronized (this) {
            closing = true; // whatever ends the watch from here on is expected
        }
        if (watcher != null) {
            watcher.close();
        }
    }
}
