package io.weft.allocator.store;

import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Commits fenced transactions, the ones submitted while an etcd transaction is in flight
 * together as one: If = every write's compares, Then = every write's puts and deletes, Else =
 * every write's reads. An idle store sends a write at once, alone, as it always did.
 *
 * <p>Nothing is weaker than one transaction per write. The writes in one batch touch disjoint
 * keys (a write on a key already in the batch waits for the next one: etcd refuses a
 * transaction that puts one key twice), so the batch's compares hold exactly when each write's
 * would alone, and then every write happened, at one revision. When any compare fails, or etcd
 * fails the batch, each write is committed again alone, as it would have been without batching,
 * and answers what that commit answers: a write that would have succeeded alone never fails
 * because of another.
 */
final class GroupCommit {

    /** Writes in one batch, at most. */
    static final int MAX_WRITES = 64;

    /** etcd's --max-txn-ops default: compares, and operations per branch, in one transaction. */
    static final int MAX_OPS = 128;

    /** Sends one transaction to etcd (counted and timed by the caller as one request). */
    @FunctionalInterface
    interface Sender {
        CompletableFuture<TxnResponse> send(Cmp[] conditions, Op[] then, Op[] orElse);
    }

    private record Pending(FencedTxn txn, CompletableFuture<WriteOutcome> outcome) {}

    private final Sender sender;
    private final int maxInFlight;
    private final LinkedList<Pending> waiting = new LinkedList<>();
    private int inFlight;

    /** @param maxInFlight transactions (single or batched) in flight at once; the rest wait and batch up */
    GroupCommit(Sender sender, int maxInFlight) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be 1 or more, got " + maxInFlight);
        }
        this.sender = sender;
        this.maxInFlight = maxInFlight;
    }

    CompletableFuture<WriteOutcome> commit(FencedTxn txn) {
        if (txn.operationCount() > MAX_OPS) {
            return alone(txn); // too big to share a transaction: etcd says so, as it did before
        }
        CompletableFuture<WriteOutcome> outcome = new CompletableFuture<>();
        synchronized (this) {
            waiting.addLast(new Pending(txn, outcome));
        }
        dispatch();
        return outcome;
    }

    /** Sends batches while fewer than maxInFlight are in flight and writes are waiting. */
    private void dispatch() {
        while (true) {
            List<Pending> batch;
            synchronized (this) {
                if (inFlight >= maxInFlight || waiting.isEmpty()) {
                    return;
                }
                batch = nextBatch();
                inFlight++;
            }
            send(batch);
        }
    }

    /** The waiting writes, oldest first, that fit one transaction on disjoint keys. */
    private List<Pending> nextBatch() {
        List<Pending> batch = new ArrayList<>();
        Set<String> keys = new HashSet<>();
        int operations = 0;
        Iterator<Pending> it = waiting.iterator();
        while (it.hasNext() && batch.size() < MAX_WRITES) {
            Pending next = it.next();
            if (operations + next.txn().operationCount() > MAX_OPS) {
                break;
            }
            if (next.txn().keys().stream().anyMatch(keys::contains)) {
                continue; // a key already in this batch: the next batch takes it, in order
            }
            keys.addAll(next.txn().keys());
            operations += next.txn().operationCount();
            batch.add(next);
            it.remove();
        }
        return batch;
    }

    private void send(List<Pending> batch) {
        if (batch.size() == 1) {
            FencedTxn txn = batch.getFirst().txn();
            finish(alone(txn), batch.getFirst());
            return;
        }
        List<Cmp> conditions = new ArrayList<>();
        List<Op> then = new ArrayList<>();
        List<Op> orElse = new ArrayList<>();
        for (Pending pending : batch) {
            conditions.addAll(List.of(pending.txn().conditions()));
            then.addAll(List.of(pending.txn().then()));
            orElse.addAll(List.of(pending.txn().orElse()));
        }
        CompletableFuture<TxnResponse> response;
        try {
            response = sender.send(conditions.toArray(Cmp[]::new), then.toArray(Op[]::new), orElse.toArray(Op[]::new));
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        response.whenComplete((answer, error) -> {
            released();
            if (error == null && answer.isSucceeded()) {
                long revision = answer.getHeader().getRevision();
                batch.forEach(pending -> pending.outcome()
                        .complete(
                                new WriteOutcome.Written(revision, pending.txn().changes(revision))));
            } else {
                // A compare failed (or the batch did): each write again, alone, answers for itself.
                batch.forEach(pending -> alone(pending.txn()).whenComplete((outcome, failure) -> {
                    if (failure != null) {
                        pending.outcome().completeExceptionally(failure);
                    } else {
                        pending.outcome().complete(outcome);
                    }
                }));
            }
        });
    }

    private void finish(CompletableFuture<WriteOutcome> sent, Pending pending) {
        sent.whenComplete((outcome, error) -> {
            released();
            if (error != null) {
                pending.outcome().completeExceptionally(error);
            } else {
                pending.outcome().complete(outcome);
            }
        });
    }

    /** One transaction done: the next batch goes out before this one's writers hear back. */
    private void released() {
        synchronized (this) {
            inFlight--;
        }
        dispatch();
    }

    /** The write as its own fenced transaction, exactly as without batching. */
    private CompletableFuture<WriteOutcome> alone(FencedTxn txn) {
        CompletableFuture<TxnResponse> response;
        try {
            response = sender.send(txn.conditions(), txn.then(), txn.orElse());
        } catch (RuntimeException e) {
            response = CompletableFuture.failedFuture(e);
        }
        return response.thenApply(answer -> {
            long revision = answer.getHeader().getRevision();
            return answer.isSucceeded()
                    ? new WriteOutcome.Written(revision, txn.changes(revision))
                    : new WriteOutcome.Conflict(revision, txn.current(answer.getGetResponses()));
        });
    }
}
