package io.weft.allocator.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
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
 * <p>Each write is one etcd request: a create is a transaction that puts the key only if its
 * version is 0, as flannel does; compare-and-put and compare-and-delete compare the key's mod
 * revision. Snapshots are read in pages at one fixed revision, because one Range over tens of
 * thousands of lease values exceeds gRPC's 4 MiB message limit.
 */
public final class EtcdLeaseStore implements LeaseStore {

    static final int PAGE_SIZE = 1000;

    private final Client client;
    private final KeyLayout layout;
    private final EtcdRecordDecoder decoder;
    private final EtcdRequestObserver observer;

    public EtcdLeaseStore(Client client, KeyLayout layout, EtcdRequestObserver observer) {
        this.client = client;
        this.layout = layout;
        this.decoder = new EtcdRecordDecoder(layout);
        this.observer = observer;
    }

    @Override
    public CompletableFuture<Snapshot> snapshot() {
        ByteSequence start = bytes(layout.watchPrefix());
        ByteSequence end = bytes(prefixEnd(layout.watchPrefix()));
        return readPages(start, end, 0, new SnapshotBuilder());
    }

    private CompletableFuture<Snapshot> readPages(ByteSequence from, ByteSequence end, long revision,
                                                  SnapshotBuilder builder) {
        GetOption.Builder option = GetOption.builder().withRange(end).withLimit(PAGE_SIZE);
        if (revision > 0) {
            option.withRevision(revision);
        }
        return timed("range", () -> client.getKVClient().get(from, option.build()))
                .thenCompose(page -> {
                    long readAt = revision > 0 ? revision : page.getHeader().getRevision();
                    List<KeyValue> kvs = page.getKvs();
                    kvs.forEach(kv -> builder.add(decoder.decodePut(kv, false)));
                    if (!page.isMore() || kvs.isEmpty()) {
                        return CompletableFuture.completedFuture(builder.build(readAt));
                    }
                    ByteSequence next = kvs.getLast().getKey().concat(ByteSequence.from(new byte[] {0}));
                    return readPages(next, end, readAt, builder);
                });
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
                .thenApply(response -> response.getTTL() > 0 ? OptionalLong.of(response.getTTL()) : OptionalLong.empty());
    }

    @Override
    public CompletableFuture<OptionalLong> createIfAbsent(SubnetKey subnet, LeaseValue value, long etcdLeaseId) {
        ByteSequence key = bytes(layout.leaseKey(subnet));
        return txn(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)), put(key, value, etcdLeaseId));
    }

    @Override
    public CompletableFuture<OptionalLong> compareAndPut(SubnetKey subnet, LeaseValue value, long etcdLeaseId,
                                                         long expectedModRevision) {
        ByteSequence key = bytes(layout.leaseKey(subnet));
        return txn(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)),
                put(key, value, etcdLeaseId));
    }

    @Override
    public CompletableFuture<OptionalLong> compareAndDelete(SubnetKey subnet, long expectedModRevision) {
        ByteSequence key = bytes(layout.leaseKey(subnet));
        return txn(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)),
                Op.delete(key, DeleteOption.DEFAULT));
    }

    @Override
    public CompletableFuture<WriteOutcome> putWithClaim(LeaseWrite write) {
        ByteSequence key = bytes(layout.leaseKey(write.subnet()));
        String node = write.value().nodeName();
        ByteSequence claim = bytes(layout.claimKey(node));
        PutOption onLease = PutOption.builder().withLeaseId(write.etcdLeaseId()).build();
        List<Cmp> conditions = new ArrayList<>(List.of(
                modRevisionIs(key, write.expectedModRevision()), modRevisionIs(claim, write.expectedClaimRevision())));
        List<Op> then = new ArrayList<>(List.of(put(key, write.value(), write.etcdLeaseId()),
                Op.put(claim, bytes(layout.leaseKeyName(write.subnet())), onLease)));
        List<Op> orElse = new ArrayList<>(List.of(Op.get(key, GetOption.DEFAULT), Op.get(claim, GetOption.DEFAULT)));
        List<SubnetKey> leaseKeys = new ArrayList<>(List.of(write.subnet()));
        if (write.retired() != null) {
            ByteSequence retired = bytes(layout.leaseKey(write.retired().subnet()));
            conditions.add(modRevisionIs(retired, write.retired().modRevision()));
            then.add(Op.delete(retired, DeleteOption.DEFAULT));
            orElse.add(Op.get(retired, GetOption.DEFAULT));
            leaseKeys.add(write.retired().subnet());
        }
        return fencedTxn(conditions, then, orElse, leaseKeys, node);
    }

    @Override
    public CompletableFuture<WriteOutcome> deleteWithClaim(SubnetKey subnet, long expectedModRevision, String nodeName,
                                                           long expectedClaimRevision) {
        ByteSequence key = bytes(layout.leaseKey(subnet));
        ByteSequence claim = bytes(layout.claimKey(nodeName));
        return fencedTxn(
                List.of(modRevisionIs(key, expectedModRevision), modRevisionIs(claim, expectedClaimRevision)),
                List.of(Op.delete(key, DeleteOption.DEFAULT), Op.delete(claim, DeleteOption.DEFAULT)),
                List.of(Op.get(key, GetOption.DEFAULT), Op.get(claim, GetOption.DEFAULT)),
                List.of(subnet), nodeName);
    }

    @Override
    public CompletableFuture<StoreEvent> read(SubnetKey subnet) {
        return timed("range", () -> client.getKVClient().get(bytes(layout.leaseKey(subnet))))
                .thenApply(response -> leaseState(subnet, response));
    }

    /**
     * One transaction; on failure its else branch reads every compared key: the lease keys in
     * leaseKeys' order, with the claim of nodeName second.
     */
    private CompletableFuture<WriteOutcome> fencedTxn(List<Cmp> conditions, List<Op> then, List<Op> orElse,
                                                      List<SubnetKey> leaseKeys, String nodeName) {
        return timed("txn", () -> client.getKVClient().txn()
                .If(conditions.toArray(Cmp[]::new)).Then(then.toArray(Op[]::new)).Else(orElse.toArray(Op[]::new))
                .commit())
                .thenApply(response -> {
                    long revision = response.getHeader().getRevision();
                    if (response.isSucceeded()) {
                        return new WriteOutcome.Written(revision);
                    }
                    List<GetResponse> reads = response.getGetResponses();
                    List<StoreEvent> current = new ArrayList<>();
                    current.add(leaseState(leaseKeys.getFirst(), reads.get(0)));
                    current.add(claimState(nodeName, reads.get(1)));
                    for (int i = 1; i < leaseKeys.size(); i++) {
                        current.add(leaseState(leaseKeys.get(i), reads.get(i + 1)));
                    }
                    return new WriteOutcome.Conflict(revision, List.copyOf(current));
                });
    }

    private StoreEvent leaseState(SubnetKey subnet, GetResponse read) {
        if (read.getKvs().isEmpty()) {
            return new StoreEvent.LeaseDeleted(subnet, null, read.getHeader().getRevision());
        }
        return decoder.decodePut(read.getKvs().getFirst(), false);
    }

    private StoreEvent claimState(String nodeName, GetResponse read) {
        if (read.getKvs().isEmpty()) {
            return new StoreEvent.ClaimDeleted(nodeName, read.getHeader().getRevision());
        }
        return decoder.decodePut(read.getKvs().getFirst(), false);
    }

    /** etcd compares an absent key's mod revision as 0. */
    private static Cmp modRevisionIs(ByteSequence key, long modRevision) {
        return new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
    }

    private static Op put(ByteSequence key, LeaseValue value, long etcdLeaseId) {
        PutOption option = etcdLeaseId == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(etcdLeaseId).build();
        return Op.put(key, bytes(value.toJson()), option);
    }

    private CompletableFuture<OptionalLong> txn(Cmp condition, Op then) {
        return timed("txn", () -> client.getKVClient().txn().If(condition).Then(then).commit())
                .thenApply(EtcdLeaseStore::revisionIfSucceeded);
    }

    private static OptionalLong revisionIfSucceeded(TxnResponse response) {
        return response.isSucceeded() ? OptionalLong.of(response.getHeader().getRevision()) : OptionalLong.empty();
    }

    @Override
    public AutoCloseable watch(long fromRevision, WatchListener listener) {
        AtomicBoolean ended = new AtomicBoolean();
        WatchOption option = WatchOption.builder()
                .withRange(bytes(prefixEnd(layout.watchPrefix())))
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

    private void deliver(WatchResponse response, WatchListener listener) {
        for (WatchEvent event : response.getEvents()) {
            KeyValue kv = event.getKeyValue();
            StoreEvent decoded = switch (event.getEventType()) {
                case PUT -> decoder.decodePut(kv, kv.getVersion() == 1);
                case DELETE -> decoder.decodeDelete(kv, event.getPrevKV(), kv.getModRevision());
                case UNRECOGNIZED -> null;
            };
            if (decoded != null) {
                listener.onEvent(decoded);
            }
        }
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

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    /** The smallest key after every key with this prefix (etcd's range end for a prefix). */
    private static String prefixEnd(String prefix) {
        char last = prefix.charAt(prefix.length() - 1);
        return prefix.substring(0, prefix.length() - 1) + (char) (last + 1);
    }

    private static final class SnapshotBuilder {
        private Optional<StoredConfig> config = Optional.empty();
        private final List<StoredLease> leases = new ArrayList<>();
        private final List<StoreEvent.Skipped> skipped = new ArrayList<>();
        private final List<NodeClaim> claims = new ArrayList<>();

        void add(StoreEvent record) {
            if (record == null) {
                return; // one of weft's own keys
            }
            switch (record) {
                case null -> { }
                case StoreEvent.ConfigPut put -> config = Optional.of(put.config());
                case StoreEvent.LeasePut put -> leases.add(put.lease());
                case StoreEvent.Skipped skip -> skipped.add(skip);
                case StoreEvent.ClaimPut claim -> claims.add(claim.claim());
                default -> throw new IllegalStateException("unexpected snapshot record " + record);
            }
        }

        Snapshot build(long revision) {
            return new Snapshot(revision, config, List.copyOf(leases), List.copyOf(skipped), List.copyOf(claims));
        }
    }
}
