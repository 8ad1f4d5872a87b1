package io.weft.allocator.compaction;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.weft.allocator.store.KeyLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * {@link CompactionLedger} on etcd: the key {@code <prefix>/weft/compaction} (outside flannel's
 * {@code subnets/} folder: flanneld never reads it) and etcd's Compact call.
 */
public final class EtcdCompactionLedger implements CompactionLedger {

    /** The key's value only tells an operator reading etcd what the key is for. */
    private static final ByteSequence NOTE = ByteSequence.from(
            "weft compaction rounds: the version counts them; one replica compacts per round", StandardCharsets.UTF_8);

    private final Client client;
    private final ByteSequence key;

    public EtcdCompactionLedger(Client client, KeyLayout layout) {
        this.client = client;
        this.key = ByteSequence.from(keyOf(layout), StandardCharsets.UTF_8);
    }

    /** The shared key under a prefix. */
    public static String keyOf(KeyLayout layout) {
        return layout.weftPrefix() + "compaction";
    }

    @Override
    public CompletableFuture<Claim> claim(long expectedVersion) {
        return client.getKVClient()
                .txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(expectedVersion)))
                .Then(Op.put(key, NOTE, PutOption.DEFAULT))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit()
                .thenApply(response -> answer(response, expectedVersion))
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(
                        messages(error).contains("database space exceeded")
                                ? new OutOfSpaceException(
                                        "etcd is out of space (NOSPACE alarm): it refuses every write")
                                : error));
    }

    @Override
    public CompletableFuture<Long> headRevision() {
        return client.getKVClient()
                .get(key, GetOption.builder().withCountOnly(true).build())
                .thenApply(response -> response.getHeader().getRevision());
    }

    private static Claim answer(TxnResponse response, long expectedVersion) {
        long revision = response.getHeader().getRevision();
        if (response.isSucceeded()) {
            return new Claim(true, expectedVersion + 1, revision);
        }
        List<KeyValue> current = response.getGetResponses().isEmpty()
                ? List.of()
                : response.getGetResponses().getFirst().getKvs();
        return new Claim(false, current.isEmpty() ? 0 : current.getFirst().getVersion(), revision);
    }

    @Override
    public CompletableFuture<Compaction> compact(long revision) {
        // Physical: etcd answers once the old revisions are gone from its file, so a
        // defragmentation that follows gives their space back.
        return client.getKVClient()
                .compact(
                        revision,
                        CompactOption.builder().withCompactPhysical(true).build())
                .thenApply(done -> Compaction.COMPACTED)
                .exceptionallyCompose(error -> {
                    String message = messages(error);
                    if (message.contains("required revision has been compacted")) {
                        return CompletableFuture.completedFuture(Compaction.ALREADY_COMPACTED);
                    }
                    if (message.contains("required revision is a future revision")) {
                        return CompletableFuture.completedFuture(Compaction.FUTURE_REVISION);
                    }
                    return CompletableFuture.failedFuture(error);
                });
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (!(t instanceof CompletionException) && t.getMessage() != null) {
                all.append(t.getMessage()).append('\n');
            }
        }
        return all.toString();
    }
}
