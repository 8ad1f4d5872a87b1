package io.weft.allocator.store;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongFunction;

/**
 * One etcd transaction fenced by mod revisions: each key it compares is also read in the else
 * branch, so a failed compare answers what etcd holds at every compared key, in the order they
 * were compared ({@link WriteOutcome.Conflict}). Keys go on the transaction's etcd lease (0:
 * none). Builds the request only; {@link EtcdLeaseStore} commits it, alone or in a batch with
 * others on disjoint keys ({@link GroupCommit}).
 */
final class FencedTxn {

    private final KeyLayout layout;
    private final EtcdRecordDecoder decoder;
    private final PutOption onLease;
    private final List<Cmp> conditions = new ArrayList<>();
    private final List<Op> then = new ArrayList<>();
    private final List<Op> orElse = new ArrayList<>();
    private final List<Function<GetResponse, StoreEvent>> answers = new ArrayList<>();
    private final List<LongFunction<StoreEvent>> changes = new ArrayList<>();
    private final Set<String> keys = new HashSet<>();
    private final long etcdLeaseId;

    FencedTxn(KeyLayout layout, EtcdRecordDecoder decoder, long etcdLeaseId) {
        this.layout = layout;
        this.decoder = decoder;
        this.etcdLeaseId = etcdLeaseId;
        this.onLease = etcdLeaseId == 0
                ? PutOption.DEFAULT
                : PutOption.builder().withLeaseId(etcdLeaseId).build();
    }

    /** Puts the lease key if its mod revision is the expected one (0: absent). */
    FencedTxn putLease(SubnetKey subnet, LeaseValue value, long expectedModRevision) {
        ByteSequence key = compareLease(subnet, expectedModRevision);
        then.add(Op.put(key, bytes(value.toJson()), onLease));
        changes.add(revision -> new StoreEvent.LeasePut(
                new StoredLease(subnet, value, etcdLeaseId, revision), expectedModRevision == 0));
        return this;
    }

    /** Deletes the lease key if its mod revision is the expected one. */
    FencedTxn deleteLease(SubnetKey subnet, long expectedModRevision) {
        then.add(Op.delete(compareLease(subnet, expectedModRevision), DeleteOption.DEFAULT));
        changes.add(revision -> new StoreEvent.LeaseDeleted(subnet, null, revision));
        return this;
    }

    /** Puts the node's claim, naming the lease, if the claim's mod revision is the expected one. */
    FencedTxn putClaim(String nodeName, SubnetKey subnet, long expectedModRevision) {
        then.add(Op.put(compareClaim(nodeName, expectedModRevision), bytes(layout.leaseKeyName(subnet)), onLease));
        changes.add(revision -> new StoreEvent.ClaimPut(new NodeClaim(nodeName, subnet, revision)));
        return this;
    }

    FencedTxn deleteClaim(String nodeName, long expectedModRevision) {
        then.add(Op.delete(compareClaim(nodeName, expectedModRevision), DeleteOption.DEFAULT));
        changes.add(revision -> new StoreEvent.ClaimDeleted(nodeName, revision));
        return this;
    }

    /** Puts and deletes a node's address claims, each if its mod revision is the expected one. */
    FencedTxn addresses(String nodeName, List<AddressFence> put, List<AddressFence> delete) {
        for (AddressFence fence : put) {
            then.add(Op.put(compareAddress(fence), bytes(nodeName), onLease));
            changes.add(revision -> new StoreEvent.AddressPut(new AddressClaim(fence.address(), nodeName, revision)));
        }
        for (AddressFence fence : delete) {
            then.add(Op.delete(compareAddress(fence), DeleteOption.DEFAULT));
            changes.add(revision -> new StoreEvent.AddressDeleted(fence.address(), revision));
        }
        return this;
    }

    /** Every key the transaction compares (and so every key it writes). */
    Set<String> keys() {
        return keys;
    }

    /** etcd's count against --max-txn-ops: the longest of the compares and the two branches. */
    int operationCount() {
        return Math.max(conditions.size(), Math.max(then.size(), orElse.size()));
    }

    Cmp[] conditions() {
        return conditions.toArray(Cmp[]::new);
    }

    Op[] then() {
        return then.toArray(Op[]::new);
    }

    Op[] orElse() {
        return orElse.toArray(Op[]::new);
    }

    /** What the transaction did to each key, committed at this revision. */
    List<StoreEvent> changes(long revision) {
        return changes.stream().map(change -> change.apply(revision)).toList();
    }

    /** What etcd holds at each compared key, from the else branch's reads. */
    List<StoreEvent> current(List<GetResponse> reads) {
        List<StoreEvent> current = new ArrayList<>(reads.size());
        for (int i = 0; i < reads.size(); i++) {
            current.add(answers.get(i).apply(reads.get(i)));
        }
        return List.copyOf(current);
    }

    private ByteSequence compareLease(SubnetKey subnet, long expectedModRevision) {
        return compare(layout.leaseKey(subnet), expectedModRevision, read -> decoder.leaseState(subnet, read));
    }

    private ByteSequence compareClaim(String nodeName, long expectedModRevision) {
        return compare(
                layout.claimKey(nodeName),
                expectedModRevision,
                read -> read.getKvs().isEmpty()
                        ? new StoreEvent.ClaimDeleted(nodeName, read.getHeader().getRevision())
                        : decoder.decodePut(read.getKvs().getFirst(), false));
    }

    private ByteSequence compareAddress(AddressFence fence) {
        return compare(
                layout.addressKey(fence.address()),
                fence.expectedModRevision(),
                read -> read.getKvs().isEmpty()
                        ? new StoreEvent.AddressDeleted(
                                fence.address(), read.getHeader().getRevision())
                        : decoder.decodePut(read.getKvs().getFirst(), false));
    }

    /** etcd compares an absent key's mod revision as 0. */
    private ByteSequence compare(String keyText, long expectedModRevision, Function<GetResponse, StoreEvent> answer) {
        ByteSequence key = bytes(keyText);
        keys.add(keyText);
        conditions.add(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(expectedModRevision)));
        orElse.add(Op.get(key, GetOption.DEFAULT));
        answers.add(answer);
        return key;
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
