package io.weft.allocator.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One read of etcd's history under the prefix: the changes after fromRevision up to and
 * including throughRevision, through an etcd watch that starts at fromRevision + 1.
 *
 * <p>A watch has no end revision, and etcd 3.4 may answer a progress request before an
 * unsynced watch has delivered its events, so the end is found by an event: the read first
 * puts {@link KeyLayout#replayMarkKey()}, which makes sure etcd holds a change under the
 * prefix after throughRevision, and ends at the first event past throughRevision (the mark, or
 * any change made meanwhile). Events are decoded as the live watch decodes them.
 */
final class EtcdHistoryRead {

    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Client client;
    private final KeyLayout layout;
    private final EtcdRecordDecoder decoder;
    private final long fromRevision;
    private final long throughRevision;
    private final int maxEvents;
    private final CompletableFuture<List<StoreEvent>> result = new CompletableFuture<>();
    private final List<StoreEvent> events = new ArrayList<>();

    EtcdHistoryRead(
            Client client,
            KeyLayout layout,
            EtcdRecordDecoder decoder,
            long fromRevision,
            long throughRevision,
            int maxEvents) {
        this.client = client;
        this.layout = layout;
        this.decoder = decoder;
        this.fromRevision = fromRevision;
        this.throughRevision = throughRevision;
        this.maxEvents = maxEvents;
    }

    /**
     * Starts the read; the future fails with {@link StoreUnavailableException} saying why, or
     * with a TimeoutException after {@link #TIMEOUT} (the watch is closed either way).
     */
    CompletableFuture<List<StoreEvent>> start() {
        if (fromRevision >= throughRevision) {
            return CompletableFuture.completedFuture(List.of());
        }
        result.orTimeout(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        client.getKVClient()
                .put(EtcdLeaseStore.bytes(layout.replayMarkKey()), ByteSequence.EMPTY)
                .whenComplete((put, error) -> {
                    if (error != null) {
                        fail("etcd put of the replay mark failed: " + error.getMessage(), error);
                    } else {
                        watch();
                    }
                });
        return result;
    }

    private void watch() {
        WatchOption option = WatchOption.builder()
                .withRange(EtcdLeaseStore.bytes(KeyLayout.prefixEnd(layout.watchPrefix())))
                .withRevision(fromRevision + 1)
                .withPrevKV(true)
                .build();
        Watch.Listener listener = Watch.listener(
                this::take,
                error -> fail(
                        error instanceof CompactedException compacted
                                ? "etcd has compacted revision " + compacted.getCompactedRevision()
                                : "etcd history watch failed: " + error.getMessage(),
                        error),
                () -> fail("etcd closed the history watch", null));
        Watch.Watcher watcher =
                client.getWatchClient().watch(EtcdLeaseStore.bytes(layout.watchPrefix()), option, listener);
        result.whenComplete((events, error) -> watcher.close());
    }

    /** Called on jetcd's one thread for this watch, in revision order. */
    private void take(WatchResponse response) {
        if (result.isDone()) {
            return;
        }
        for (WatchEvent event : response.getEvents()) {
            if (event.getKeyValue().getModRevision() > throughRevision) {
                result.complete(List.copyOf(events));
                return;
            }
            StoreEvent decoded = decoder.decodeWatchEvent(event);
            if (decoded != null) {
                events.add(decoded);
            }
            if (events.size() > maxEvents) {
                fail("more than " + maxEvents + " changes after revision " + fromRevision, null);
                return;
            }
        }
    }

    private void fail(String message, Throwable cause) {
        result.completeExceptionally(new StoreUnavailableException(message, cause));
    }
}
