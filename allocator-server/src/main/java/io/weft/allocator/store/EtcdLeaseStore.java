package io.weft.allocator.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * {@link LeaseStore} on etcd v3 through jetcd, in flannel's layout.
 *
 * <p>Each write is one fenced transaction (several share one etcd request under load, see
 * {@link GroupCommit}): a create is a transaction that puts the key only if its
 * version is 0, as flannel does; compare-and-put and compare-and-delete compare the key's mod
 * revision. Snapshots are read at one fixed revision, in pages (one Range over tens of thousands
 * of lease values exceeds gRPC's 4 MiB message limit) within each key family at once
 * ({@link KeyLayout#snapshotCuts}: a limited Range in etcd 3.4 still walks its whole key range).
 */
public final class EtcdLeaseStore implements LeaseStore {

    /** The first page of each key range, in keys; later pages are sized from it by {@link #PAGE_BYTES}. */
    static final int PAGE_SIZE = 1000;
    /**
     * Later pages aim at this many bytes of keys and values: few pages, since each costs etcd a
     * walk over the rest of its range, and far below the client's inbound message limit
     * ({@link #MAX_INBOUND_BYTES}) even when the values of a page are larger than the last.
     */
    static final int PAGE_BYTES = 4 << 20;
    /** The most keys in one page, whatever their size. */
    static final int MAX_PAGE_KEYS = 100_000;
    /** The etcd client's inbound message limit (gRPC's default is 4 MiB). */
    public static final int MAX_INBOUND_BYTES = 64 << 20;

    /** Transactions in flight at once with group commit on; writes submitted meanwhile batch up. */
    static final int GROUP_COMMIT_IN_FLIGHT = 1;

    private final Client client;
    private final KeyLayout layout;
    private final EtcdRecordDecoder decoder;
    private final EtcdRequestObserver observer;
    private final GroupCommit groupCommit;

    /** A store with group commit on. */
    public EtcdLeaseStore(Client client, KeyLayout layout, EtcdRequestObserver observer) {
        this(client, layout, observer, true);
    }

    /**
     * @param groupCommit true: writes submitted while a transaction is in flight share the next
     *                    one ({@link GroupCommit}); false: one transaction per write, each sent at once
     */
    public EtcdLeaseStore(Client client, KeyLayout layout, EtcdRequestObserver observer, boolean groupCommit) {
        this.client = client;
        this.layout = layout;
        this.decoder = new EtcdRecordDecoder(layout);
        this.observer = observer;
        this.groupCommit = new GroupCommit(this::send, groupCommit ? GROUP_COMMIT_IN_FLIGHT : Integer.MAX_VALUE);
    }

    @Override
    public CompletableFuture<Snapshot> snapshot() {
        List<String> cuts = layout.snapshotCuts();
        return currentRevision().thenCompose(revision -> {
            List<CompletableFuture<List<StoreEvent>>> ranges = new ArrayList<>();
            for (int i = 0; i + 1 < cuts.size(); i++) {
                ranges.add(
                        readPages(bytes(cuts.get(i)), bytes(cuts.get(i + 1)), revision, PAGE_SIZE, new ArrayList<>()));
            }
            return CompletableFuture.allOf(ranges.toArray(CompletableFuture[]::new))
                    .thenApply(done -> {
                        SnapshotBuilder builder = new SnapshotBuilder();
                        ranges.forEach(range -> range.join().forEach(builder::add));
                        return builder.build(revision);
                    });
        });
    }

    /** Every record in [from, end) at the revision, page by page, in key order. */
    private CompletableFuture<List<StoreEvent>> readPages(
            ByteSequence from, ByteSequence end, long revision, int limit, List<StoreEvent> records) {
        GetOption option = GetOption.builder()
                .withRange(end)
                .withLimit(limit)
                .withRevision(revision)
                .build();
        return timed("range", () -> client.getKVClient().get(from, option)).thenCompose(page -> {
            List<KeyValue> kvs = page.getKvs();
            kvs.forEach(kv -> records.add(decoder.decodePut(kv, false)));
            if (!page.isMore() || kvs.isEmpty()) {
                return CompletableFuture.completedFuture(records);
            }
            ByteSequence next = kvs.getLast().getKey().concat(ByteSequence.from(new byte[] {0}));
            return readPages(next, end, revision, nextPageKeys(kvs), records);
        });
    }

    /** Keys for the next page: {@link #PAGE_BYTES} at this page's average key and value size. */
    static int nextPageKeys(List<KeyValue> page) {
        long bytes = 0;
        for (KeyValue kv : page) {
            bytes += kv.getKey().size() + kv.getValue().size();
        }
        long average = Math.max(1, bytes / page.size());
        return (int) Math.clamp(PAGE_BYTES / average, PAGE_SIZE, MAX_PAGE_KEYS);
    }

    @Override
    public CompletableFuture<Long> currentRevision() {
        GetOption countOnly = GetOption.builder().withCountOnly(true).build();
        return timed("range", () -> client.getKVClient().get(bytes(layout.configKey()), countOnly))
                .thenApply(response -> response.getHeader().getRevision());
    }

    @Override
    public CompletableFuture<Long> putConfig(String json) {
        return timed("put", () -> client.getKVClient().put(bytes(layout.configKey()), bytes(json)))
                .thenApply(response -> response.getHeader().getRevision());
    }

    @Override
    public CompletableFuture<Long> grant(Duration ttl) {
        return timed("lease_grant", () -> client.getLeaseClient().grant(ttl.toSeconds()))
                .thenApply(response -> response.getID());
    }

    @Override
    public CompletableFuture<OptionalLong> timeToLive(long etcdLeaseId) {
        return timed("lease_ttl", () -> client.getLeaseClient().timeToLive(etcdLeaseId, LeaseOption.DEFAULT))
                .thenApply(
                        response -> response.getTTL() > 0 ? OptionalLong.of(response.getTTL()) : OptionalLong.empty());
    }

    @Override
    public CompletableFuture<WriteOutcome> compareAndPut(
            SubnetKey subnet, LeaseValue value, long etcdLeaseId, long expectedModRevision, AddressFences addresses) {
        return commit(new FencedTxn(layout, decoder, etcdLeaseId)
                .putLease(subnet, value, expectedModRevision)
                .addresses(value.nodeName(), addresses.put(), addresses.delete()));
    }

    @Override
    public CompletableFuture<WriteOutcome> compareAndDelete(
            SubnetKey subnet, long expectedModRevision, List<AddressFence> addresses) {
        return commit(new FencedTxn(layout, decoder, 0)
                .deleteLease(subnet, expectedModRevision)
                .addresses("", List.of(), addresses));
    }

    @Override
    public CompletableFuture<WriteOutcome> putWithClaim(LeaseWrite write) {
        String node = write.value().nodeName();
        FencedTxn txn = new FencedTxn(layout, decoder, write.etcdLeaseId())
                .putLease(write.subnet(), write.value(), write.expectedModRevision())
                .putClaim(node, write.subnet(), write.expectedClaimRevision());
        if (write.retired() != null) {
            txn.deleteLease(write.retired().subnet(), write.retired().modRevision());
        }
        return commit(
                txn.addresses(node, write.addresses().put(), write.addresses().delete()));
    }

    @Override
    public CompletableFuture<WriteOutcome> deleteWithClaim(
            SubnetKey subnet,
            long expectedModRevision,
            String nodeName,
            long expectedClaimRevision,
            List<AddressFence> addresses) {
        return commit(new FencedTxn(layout, decoder, 0)
                .deleteLease(subnet, expectedModRevision)
                .deleteClaim(nodeName, expectedClaimRevision)
                .addresses(nodeName, List.of(), addresses));
    }

    /**
     * Commits the transaction, in a batch with others submitted meanwhile when group commit is
     * on; on a failed compare, answers what etcd holds at every compared key.
     */
    private CompletableFuture<WriteOutcome> commit(FencedTxn txn) {
        return groupCommit.commit(txn);
    }

    private CompletableFuture<TxnResponse> send(Cmp[] conditions, Op[] then, Op[] orElse) {
        return timed(
                "txn",
                () -> client.getKVClient()
                        .txn()
                        .If(conditions)
                        .Then(then)
                        .Else(orElse)
                        .commit());
    }

    @Override
    public CompletableFuture<StoreEvent> read(SubnetKey subnet) {
        return timed("range", () -> client.getKVClient().get(bytes(layout.leaseKey(subnet))))
                .thenApply(response -> decoder.leaseState(subnet, response));
    }

    @Override
    public AutoCloseable watch(long fromRevision, WatchListener listener) {
        AtomicBoolean ended = new AtomicBoolean();
        WatchOption option = WatchOption.builder()
                .withRange(bytes(KeyLayout.prefixEnd(layout.watchPrefix())))
                .withRevision(fromRevision)
                .withPrevKV(true)
                .build();
        Watch.Listener etcdListener = Watch.listener(
                response -> {
                    if (!ended.get()) {
                        deliver(response, listener);
                    }
                },
                error -> {
                    if (ended.compareAndSet(false, true)) {
                        if (error instanceof CompactedException compacted) {
                            listener.onCompacted(compacted.getCompactedRevision());
                        } else {
                            listener.onFailed(unavailable("watch", error));
                        }
                    }
                },
                () -> {
                    if (ended.compareAndSet(false, true)) {
                        listener.onFailed(new StoreUnavailableException("etcd closed the watch", null));
                    }
                });
        Watch.Watcher watcher = client.getWatchClient().watch(bytes(layout.watchPrefix()), option, etcdListener);
        return () -> {
            ended.set(true);
            watcher.close();
        };
    }

    /** etcd never splits one revision's changes across watch responses: each goes out whole. */
    private void deliver(WatchResponse response, WatchListener listener) {
        List<StoreEvent> atRevision = new ArrayList<>();
        long revision = 0;
        for (WatchEvent event : response.getEvents()) {
            long eventRevision = event.getKeyValue().getModRevision();
            if (eventRevision != revision && !atRevision.isEmpty()) {
                listener.onRevision(SharedValues.within(atRevision));
                atRevision.clear();
            }
            revision = eventRevision;
            StoreEvent decoded = decoder.decodeWatchEvent(event);
            if (decoded != null) {
                atRevision.add(decoded);
            }
        }
        if (!atRevision.isEmpty()) {
            listener.onRevision(SharedValues.within(atRevision));
        }
    }

    @Override
    public CompletableFuture<List<StoreEvent>> history(long fromRevision, long throughRevision, int maxEvents) {
        long started = System.nanoTime();
        return new EtcdHistoryRead(client, layout, decoder, fromRevision, throughRevision, maxEvents)
                .start()
                .whenComplete((events, error) ->
                        observer.observe("watch_history", System.nanoTime() - started, error == null));
    }

    @Override
    public void close() {
        client.close();
    }

    private <T> CompletableFuture<T> timed(String operation, Supplier<CompletableFuture<T>> call) {
        long started = System.nanoTime();
        CompletableFuture<T> result;
        try {
            result = call.get();
        } catch (RuntimeException e) {
            result = CompletableFuture.failedFuture(e);
        }
        return result.handle((value, error) -> {
            observer.observe(operation, System.nanoTime() - started, error == null);
            if (error != null) {
                throw new CompletionException(unavailable(operation, error));
            }
            return value;
        });
    }

    private static StoreUnavailableException unavailable(String operation, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof StoreUnavailableException already) {
            return already;
        }
        return new StoreUnavailableException("etcd " + operation + " failed: " + cause.getMessage(), cause);
    }

    static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static final class SnapshotBuilder {
        private Optional<StoredConfig> config = Optional.empty();
        private final List<StoredLease> leases = new ArrayList<>();
        private final List<StoreEvent.Skipped> skipped = new ArrayList<>();
        private final List<NodeClaim> claims = new ArrayList<>();
        private final List<AddressClaim> addresses = new ArrayList<>();

        void add(StoreEvent record) {
            if (record == null) {
                return; // one of weft's own keys
            }
            switch (record) {
                case null -> {}
                case StoreEvent.ConfigPut put -> config = Optional.of(put.config());
                case StoreEvent.LeasePut put -> leases.add(put.lease());
                case StoreEvent.Skipped skip -> skipped.add(skip);
                case StoreEvent.ClaimPut claim -> claims.add(claim.claim());
                case StoreEvent.AddressPut address -> addresses.add(address.claim());
                default -> throw new IllegalStateException("unexpected snapshot record " + record);
            }
        }

        /** The snapshot, its claims sharing the lease values' strings and subnet keys. */
        Snapshot build(long revision) {
            SharedValues shared = new SharedValues();
            leases.forEach(shared::add);
            List<NodeClaim> sharedClaims = new ArrayList<>(claims.size());
            for (NodeClaim claim : claims) {
                sharedClaims.add(shared.share(claim));
            }
            List<AddressClaim> sharedAddresses = new ArrayList<>(addresses.size());
            for (AddressClaim claim : addresses) {
                sharedAddresses.add(shared.share(claim));
            }
            return new Snapshot(
                    revision,
                    config,
                    List.copyOf(leases),
                    List.copyOf(skipped),
                    List.copyOf(sharedClaims),
                    List.copyOf(sharedAddresses));
        }
    }
}
