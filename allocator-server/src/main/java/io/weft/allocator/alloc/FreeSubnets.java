package io.weft.allocator.alloc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The free subnet indices of one {@link io.weft.config.SubnetSpace}, kept as disjoint
 * intervals, so memory grows with how fragmented the space is (at most one interval per
 * lease) and never with its size: a 2^32-subnet IPv6 space costs one entry when empty.
 *
 * <p>A released subnet first sits in quarantine for a while, so a node that just went away
 * does not see its subnet handed to someone else at once; quarantined subnets are handed out
 * only when nothing else is free, oldest first. Not thread-safe: the owner serialises access.
 */
final class FreeSubnets {

    /** How many free subnets from the lowest one a new subnet is drawn from (flannel: 100). */
    static final int PICK_WINDOW = 64;

    private final long size;
    private final Duration quarantine;
    private final NavigableMap<Long, Long> free = new TreeMap<>();
    private final ArrayDeque<Quarantined> quarantineQueue = new ArrayDeque<>();
    private final Map<Long, Quarantined> quarantined = new HashMap<>();
    private long freeCount;

    FreeSubnets(long size, Duration quarantine) {
        if (size <= 0) {
            throw new IllegalArgumentException("a subnet space needs at least one subnet, got " + size);
        }
        this.size = size;
        this.quarantine = quarantine;
        free.put(0L, size - 1);
        freeCount = size;
    }

    long size() {
        return size;
    }

    /** Free subnets, quarantined ones included. */
    long freeCount() {
        return freeCount + quarantined.size();
    }

    /** True when the index is free or quarantined (not held). */
    boolean isAvailable(long index) {
        return isFree(index) || quarantined.containsKey(index);
    }

    /** Marks the index as held. Answers false if it was already held. */
    boolean take(long index) {
        checkIndex(index);
        Quarantined q = quarantined.remove(index);
        if (q != null) {
            q.cancelled = true;
            return true;
        }
        Map.Entry<Long, Long> interval = free.floorEntry(index);
        if (interval == null || interval.getValue() < index) {
            return false;
        }
        long start = interval.getKey();
        long end = interval.getValue();
        free.remove(start);
        if (start < index) {
            free.put(start, index - 1);
        }
        if (index < end) {
            free.put(index + 1, end);
        }
        freeCount--;
        return true;
    }

    /** Gives a held index back, through quarantine. Releasing a free index changes nothing. */
    void release(long index, Instant now) {
        checkIndex(index);
        if (isAvailable(index)) {
            return;
        }
        if (quarantine.isZero()) {
            addFree(index);
            return;
        }
        Quarantined q = new Quarantined(index, now.plus(quarantine));
        quarantined.put(index, q);
        quarantineQueue.addLast(q);
    }

    /** Gives a held index back at once (a candidate that was never written). */
    void returnUnused(long index) {
        checkIndex(index);
        if (!isAvailable(index)) {
            addFree(index);
        }
    }

    /**
     * Takes a free index: one of the lowest {@link #PICK_WINDOW} free ones at random (so
     * replicas racing on the same view rarely collide), else the longest-quarantined one.
     */
    OptionalLong takeAny(Instant now, RandomGenerator random) {
        endQuarantines(now);
        if (freeCount > 0) {
            long skip = random.nextLong(Math.min(PICK_WINDOW, freeCount));
            for (Map.Entry<Long, Long> interval : free.entrySet()) {
                long length = interval.getValue() - interval.getKey() + 1;
                if (skip < length) {
                    long index = interval.getKey() + skip;
                    take(index);
                    return OptionalLong.of(index);
                }
                skip -= length;
            }
        }
        while (!quarantineQueue.isEmpty()) {
            Quarantined oldest = quarantineQueue.pollFirst();
            if (!oldest.cancelled) {
                quarantined.remove(oldest.index);
                return OptionalLong.of(oldest.index);
            }
        }
        return OptionalLong.empty();
    }

    private void endQuarantines(Instant now) {
        while (!quarantineQueue.isEmpty()) {
            Quarantined head = quarantineQueue.peekFirst();
            if (!head.cancelled && head.until.isAfter(now)) {
                return;
            }
            quarantineQueue.pollFirst();
            if (!head.cancelled) {
                quarantined.remove(head.index);
                addFree(head.index);
            }
        }
    }

    private boolean isFree(long index) {
        Map.Entry<Long, Long> interval = free.floorEntry(index);
        return interval != null && interval.getValue() >= index;
    }

    private void addFree(long index) {
        long start = index;
        long end = index;
        Map.Entry<Long, Long> before = free.floorEntry(index - 1);
        if (before != null && before.getValue() == index - 1) {
            start = before.getKey();
            free.remove(before.getKey());
        }
        Long afterEnd = index + 1 < size ? free.remove(index + 1) : null;
        if (afterEnd != null) {
            end = afterEnd;
        }
        free.put(start, end);
        freeCount++;
    }

    private void checkIndex(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("subnet index " + index + " outside 0.." + (size - 1));
        }
    }

    private static final class Quarantined {
        final long index;
        final Instant until;
        boolean cancelled;

        Quarantined(long index, Instant until) {
            this.index = index;
            this.until = until;
        }
    }
}
