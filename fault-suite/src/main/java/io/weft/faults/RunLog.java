package io.weft.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The nodes' records as they happen, and the counts for progress lines: an operation is an
 * acknowledged acquisition, renewal or release, or a watch delivery. Thread-safe.
 */
final class RunLog {

    private final List<NodeRecord> records = new ArrayList<>();
    private final List<DroppedReply> droppedReplies = new ArrayList<>();
    private final List<AcquisitionRound> rounds = new ArrayList<>();
    private final AtomicLong operations = new AtomicLong();
    private final AtomicLong losses = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();

    synchronized void add(NodeRecord record) {
        records.add(record);
        if (record instanceof NodeRecord.Lost) {
            losses.incrementAndGet();
        } else {
            operations.incrementAndGet();
        }
    }

    /** A watch delivery: counts as an operation, recorded by its watcher. */
    void delivered() {
        operations.incrementAndGet();
    }

    /** A reply lost after commit: the caller's attempt failed. */
    synchronized void dropped(DroppedReply drop) {
        droppedReplies.add(drop);
    }

    synchronized void round(AcquisitionRound round) {
        rounds.add(round);
    }

    synchronized List<DroppedReply> droppedReplies() {
        return List.copyOf(droppedReplies);
    }

    synchronized List<AcquisitionRound> rounds() {
        return List.copyOf(rounds);
    }

    synchronized int droppedReplyCount() {
        return droppedReplies.size();
    }

    void attemptFailed() {
        failedAttempts.incrementAndGet();
    }

    synchronized List<NodeRecord> records() {
        return List.copyOf(records);
    }

    long operations() {
        return operations.get();
    }

    long losses() {
        return losses.get();
    }

    long failedAttempts() {
        return failedAttempts.get();
    }
}
