package io.weft.allocator.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Writes that share a transaction on a real etcd: the ones submitted while one is in flight go
 * out together; one failed compare among them never fails the others, and the failed one
 * answers exactly what it answers alone; two writes on one key never share a transaction.
 * The first write is held back (not sent) until the others are queued, so batches form for sure.
 */
@Timeout(60)
class GroupCommitIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final KeyLayout LAYOUT = new KeyLayout("/group-commit/network");
    private static final EtcdRecordDecoder DECODER = new EtcdRecordDecoder(LAYOUT);

    private Client client;
    /** Compares in each transaction sent, in the order sent (each write here compares one key). */
    private final List<Integer> sent = new CopyOnWriteArrayList<>();

    private final CompletableFuture<Void> firstHeld = new CompletableFuture<>();
    private GroupCommit groupCommit;

    @BeforeEach
    void connect() {
        client = Client.builder()
                .endpoints(ETCD.endpoints().toArray(String[]::new))
                .build();
        groupCommit = new GroupCommit(this::send, 1);
    }

    @AfterEach
    void close() {
        client.close();
    }

    /** Sends to etcd; the very first transaction waits until the test lets it go. */
    private CompletableFuture<TxnResponse> send(Cmp[] conditions, Op[] then, Op[] orElse) {
        boolean first = sent.isEmpty();
        sent.add(conditions.length);
        CompletableFuture<Void> gate = first ? firstHeld : CompletableFuture.completedFuture(null);
        return gate.thenCompose(ignored -> client.getKVClient()
                .txn()
                .If(conditions)
                .Then(then)
                .Else(orElse)
                .commit());
    }

    @Test
    void aBatchWithOneFailedCompareWritesTheOthersAndTheFailedOneAnswersAsAlone() throws Exception {
        SubnetKey taken = subnet(9);
        long takenAt = written(new GroupCommit(this::sendNow, 1).commit(create(taken, "node-x")))
                .revision();
        sent.clear();

        CompletableFuture<WriteOutcome> blocker = groupCommit.commit(create(subnet(1), "node-1"));
        CompletableFuture<WriteOutcome> a = groupCommit.commit(create(subnet(2), "node-2"));
        CompletableFuture<WriteOutcome> b = groupCommit.commit(create(subnet(3), "node-3"));
        CompletableFuture<WriteOutcome> lost = groupCommit.commit(create(taken, "node-4"));
        firstHeld.complete(null);

        written(blocker);
        WriteOutcome.Written writtenA = written(a);
        WriteOutcome.Written writtenB = written(b);
        assertThat(writtenA.changes()).hasSize(1);
        assertThat(writtenB.changes()).hasSize(1);
        WriteOutcome.Conflict conflict = (WriteOutcome.Conflict) lost.get(10, TimeUnit.SECONDS);
        // The batch of three was tried, then each write alone: 1 + 1 + 3 transactions.
        assertThat(sent).containsExactly(1, 3, 1, 1, 1);

        WriteOutcome.Conflict alone = (WriteOutcome.Conflict) new GroupCommit(this::sendNow, 1)
                .commit(create(taken, "node-4"))
                .get(10, TimeUnit.SECONDS);
        assertThat(conflict.current()).isEqualTo(alone.current());
        assertThat(conflict.current().getFirst()).isInstanceOfSatisfying(StoreEvent.LeasePut.class, put -> {
            assertThat(put.lease().value().nodeName()).isEqualTo("node-x");
            assertThat(put.lease().modRevision()).isEqualTo(takenAt);
        });
        assertThat(client.getKVClient()
                        .get(EtcdLeaseStore.bytes(LAYOUT.leaseKey(subnet(2))))
                        .get(10, TimeUnit.SECONDS)
                        .getKvs())
                .hasSize(1);
    }

    @Test
    void writesQueuedMeanwhileShareOneTransactionAndOneRevision() throws Exception {
        CompletableFuture<WriteOutcome> blocker = groupCommit.commit(create(subnet(11), "node-11"));
        List<CompletableFuture<WriteOutcome>> queued = List.of(
                groupCommit.commit(create(subnet(12), "node-12")),
                groupCommit.commit(create(subnet(13), "node-13")),
                groupCommit.commit(create(subnet(14), "node-14")));
        firstHeld.complete(null);

        written(blocker);
        List<Long> revisions = queued.stream()
                .map(write -> {
                    try {
                        return written(write).revision();
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                })
                .toList();
        assertThat(sent).containsExactly(1, 3);
        assertThat(revisions).containsOnly(revisions.getFirst());
    }

    @Test
    void aBatchsChangesReachTheWatchAsOneRevision() throws Exception {
        EtcdLeaseStore store = new EtcdLeaseStore(client, LAYOUT, EtcdRequestObserver.NONE);
        long start = store.currentRevision().get(10, TimeUnit.SECONDS);
        List<List<StoreEvent>> revisions = new CopyOnWriteArrayList<>();
        try (AutoCloseable watch = store.watch(start + 1, new LeaseStore.WatchListener() {
            @Override
            public void onEvent(StoreEvent event) {
                throw new AssertionError("the store hands a revision over whole, not event by event: " + event);
            }

            @Override
            public void onRevision(List<StoreEvent> events) {
                revisions.add(events);
            }

            @Override
            public void onCompacted(long compactedRevision) {
                throw new AssertionError("compacted at " + compactedRevision);
            }

            @Override
            public void onFailed(Throwable cause) {
                throw new AssertionError(cause);
            }
        })) {
            CompletableFuture<WriteOutcome> blocker = groupCommit.commit(create(subnet(31), "node-31"));
            List<CompletableFuture<WriteOutcome>> queued = List.of(
                    groupCommit.commit(create(subnet(32), "node-32")),
                    groupCommit.commit(create(subnet(33), "node-33")),
                    groupCommit.commit(create(subnet(34), "node-34")));
            firstHeld.complete(null);
            written(blocker);
            long batch = written(queued.getLast()).revision();

            await().atMost(Duration.ofSeconds(10))
                    .until(() -> revisions.stream()
                            .anyMatch(events -> events.getFirst().revision() == batch));
            assertThat(revisions).hasSize(2);
            assertThat(revisions.getLast())
                    .hasSize(3)
                    .allSatisfy(event -> assertThat(event.revision()).isEqualTo(batch));
        }
    }

    @Test
    void twoWritesOnOneKeyNeverShareATransaction() throws Exception {
        SubnetKey shared = subnet(21);
        long at = written(new GroupCommit(this::sendNow, 1).commit(create(shared, "node-21")))
                .revision();
        sent.clear();

        CompletableFuture<WriteOutcome> blocker = groupCommit.commit(create(subnet(20), "node-20"));
        CompletableFuture<WriteOutcome> first = groupCommit.commit(rewrite(shared, at, "192.168.0.1"));
        CompletableFuture<WriteOutcome> second = groupCommit.commit(rewrite(shared, at, "192.168.0.2"));
        CompletableFuture<WriteOutcome> other = groupCommit.commit(create(subnet(22), "node-22"));
        firstHeld.complete(null);

        written(blocker);
        written(first);
        written(other);
        // The second write on the key went in the next transaction, after the first had moved it.
        assertThat(second.get(10, TimeUnit.SECONDS)).isInstanceOf(WriteOutcome.Conflict.class);
        assertThat(sent).containsExactly(1, 2, 1);
    }

    private CompletableFuture<TxnResponse> sendNow(Cmp[] conditions, Op[] then, Op[] orElse) {
        return client.getKVClient().txn().If(conditions).Then(then).Else(orElse).commit();
    }

    private static FencedTxn create(SubnetKey subnet, String node) {
        return new FencedTxn(LAYOUT, DECODER, 0).putLease(subnet, value("192.168.1.1", node), 0);
    }

    private static FencedTxn rewrite(SubnetKey subnet, long expected, String publicIp) {
        return new FencedTxn(LAYOUT, DECODER, 0).putLease(subnet, value(publicIp, "node-21"), expected);
    }

    private static SubnetKey subnet(int third) {
        return SubnetKey.ipv4Only(IpPrefix.parse("10.40." + third + ".0/24"));
    }

    private static LeaseValue value(String publicIp, String node) {
        return new LeaseValue(publicIp, "", "vxlan", new VtepData(1, "0a:00:00:00:40:01"), null, node);
    }

    private static WriteOutcome.Written written(CompletableFuture<WriteOutcome> write) throws Exception {
        WriteOutcome outcome = write.get(10, TimeUnit.SECONDS);
        assertThat(outcome).isInstanceOf(WriteOutcome.Written.class);
        return (WriteOutcome.Written) outcome;
    }
}
