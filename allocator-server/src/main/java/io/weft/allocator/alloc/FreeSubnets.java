package io.weft.allocator.alloc;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.random.RandomGenerator;

/**
 * The free subnet indices of one {@link io.weft.config.SubnetSpace}, kept as disjoint ranges,
 * so memory and work grow with how fragmented the space is (a few ranges per lease) and never
 * with its size: a 2^63-subnet IPv6 space costs one entry when empty, and taking or releasing a
 * whole range of indices (a foreign prefix left by a forced config change) costs one step per
 * range it cuts, not one per index.
 *
 * <p>A released subnet first sits in quarantine for a while, so a node that just went away
 * does not see its subnet handed to someone else at once; quarantined subnets are handed out
 * only when nothing else is free, oldest release first. Not thread-safe: the owner serialises
 * access.
 */
final class FreeSubnets {

    /** How many free subnets from the lowest one a new subnet is drawn from (flannel: 100). */
    static final int PICK_WINDOW = 64;

    private final long size;
    private final Duration quarantine;
    private final StepCounter steps;
    /** Plainly free ranges, start to end inclusive; disjoint and never adjacent. */
    private final NavigableMap<Long, Long> free = new TreeMap<>();
    /** Quarantined ranges by start; disjoint from each other and from {@link #free}. */
    private final NavigableMap<Long, Quarantined> quarantined = new TreeMap<>();
    /** The same quarantined ranges, oldest release first. */
    private final NavigableSet<Quarantined> byAge =
            new TreeSet<>(Comparator.comparingLong(Quarantined::release).thenComparingLong(Quarantined::start));

    private long freeCount;
    private long quarantinedCount;
    private long releases;

    FreeSubnets(long size, Duration quarantine) {
        this(size, quarantine, StepCounter.NONE);
    }

    FreeSubnets(long size, Duration quarantine, StepCounter steps) {
        if (size <= 0) {
            throw new IllegalArgumentException("a subnet space needs at least one subnet, got " + size);
        }
        this.size = size;
        this.quarantine = quarantine;
        this.steps = steps;
        free.put(0L, size - 1);
        freeCount = size;
    }

    long size() {
        return size;
    }

    /** Free subnets, quarantined ones included. */
    long freeCount() {
        return freeCount + quarantinedCount;
    }

    /** True when the index is free or quarantined (not held); false outside the space. */
    boolean isAvailable(long index) {
        return index >= 0 && index < size && covering(free, index) != null || coveringQuarantine(index) != null;
    }

    /** Marks the index as held. Answers false if it was already held. */
    boolean take(long index) {
        return takeRange(index, index) > 0;
    }

    /** Marks every index in first..last as held. Answers how many were available. */
    long takeRange(long first, long last) {
        checkRange(first, last);
        return cutFree(first, last) + cutQuarantined(first, last);
    }

    /** Gives a held index back, through quarantine. Releasing a free index changes nothing. */
    void release(long index, Instant now) {
        releaseRange(index, index, now);
    }

    /** Gives back, through quarantine, every held index in first..last; available ones stay as they are. */
    void releaseRange(long first, long last, Instant now) {
        checkRange(first, last);
        for (long[] gap : heldIn(first, last)) {
            if (quarantine.isZero()) {
                addFree(gap[0], gap[1]);
            } else {
                addQuarantined(new Quarantined(gap[0], gap[1], now.plus(quarantine), ++releases));
            }
        }
    }

    /** Gives a held index back at once (a candidate that was never written). */
    void returnUnused(long index) {
        checkIndex(index);
        if (!isAvailable(index)) {
            addFree(index, index);
        }
    }

    /**
     * Takes a free index: one of the lowest {@link #PICK_WINDOW} free ones at random (so
     * replicas racing on the same view rarely collide), else the longest-quarantined one.
     */
    OptionalLong takeAny(Instant now, RandomGenerator random) {
        return takeAny(now, random, PICK_WINDOW);
    }

    /** As {@link #takeAny(Instant, RandomGenerator)}, at random among the lowest window free ones. */
    OptionalLong takeAny(Instant now, RandomGenerator random, long window) {
        endQuarantines(now);
        if (freeCount > 0) {
            long skip = random.nextLong(Math.min(window, freeCount));
            for (Map.Entry<Long, Long> range : free.entrySet()) {
                steps.step();
                long length = range.getValue() - range.getKey() + 1;
                if (skip < length) {
                    long index = range.getKey() + skip;
                    cutFree(index, index);
                    return OptionalLong.of(index);
                }
                skip -= length;
            }
        }
        if (byAge.isEmpty()) {
            return OptionalLong.empty();
        }
        long oldest = byAge.first().start();
        cutQuarantined(oldest, oldest);
        return OptionalLong.of(oldest);
    }

    private void endQuarantines(Instant now) {
        while (!byAge.isEmpty() && !byAge.first().until().isAfter(now)) {
            steps.step();
            Quarantined ended = byAge.pollFirst();
            quarantined.remove(ended.start());
            quarantinedCount -= ended.length();
            addFree(ended.start(), ended.end());
        }
    }

    /** The held (neither free nor quarantined) stretches of first..last, in order. */
    private List<long[]> heldIn(long first, long last) {
        List<long[]> held = new ArrayList<>();
        long cursor = first;
        while (cursor <= last) {
            steps.step();
            long[] next = nextAvailable(cursor);
            if (next == null || next[0] > last) {
                held.add(new long[] {cursor, last});
                break;
            }
            if (next[0] > cursor) {
                held.add(new long[] {cursor, next[0] - 1});
            }
            if (next[1] >= last) {
                break;
            }
            cursor = next[1] + 1;
        }
        return held;
    }

    /** The first available range (free or quarantined) that ends at or after index, or null. */
    private long[] nextAvailable(long index) {
        Map.Entry<Long, Long> f = covering(free, index);
        if (f == null) {
            f = free.higherEntry(index);
        }
        Map.Entry<Long, Quarantined> q = quarantined.floorEntry(index);
        if (q == null || q.getValue().end() < index) {
            q = quarantined.higherEntry(index);
        }
        if (f == null && q == null) {
            return null;
        }
        if (q == null || (f != null && f.getKey() < q.getKey())) {
            return new long[] {f.getKey(), f.getValue()};
        }
        return new long[] {q.getKey(), q.getValue().end()};
    }

    /** Removes first..last from the free ranges; answers how many indices were free there. */
    private long cutFree(long first, long last) {
        long removed = 0;
        Map.Entry<Long, Long> range = covering(free, first);
        if (range == null) {
            range = free.higherEntry(first);
        }
        while (range != null && range.getKey() <= last) {
            steps.step();
            long start = range.getKey();
            long end = range.getValue();
            free.remove(start);
            if (start < first) {
                free.put(start, first - 1);
            }
            if (end > last) {
                free.put(last + 1, end);
            }
            removed += Math.min(end, last) - Math.max(start, first) + 1;
            range = free.higherEntry(start);
        }
        freeCount -= removed;
        return removed;
    }

    /** Removes first..last from quarantine; answers how many indices were quarantined there. */
    private long cutQuarantined(long first, long last) {
        long removed = 0;
        Map.Entry<Long, Quarantined> entry = quarantined.floorEntry(first);
        if (entry == null || entry.getValue().end() < first) {
            entry = quarantined.higherEntry(first);
        }
        while (entry != null && entry.getKey() <= last) {
            steps.step();
            Quarantined range = entry.getValue();
            quarantined.remove(range.start());
            byAge.remove(range);
            quarantinedCount -= range.length();
            if (range.start() < first) {
                addQuarantined(new Quarantined(range.start(), first - 1, range.until(), range.release()));
            }
            if (range.end() > last) {
                addQuarantined(new Quarantined(last + 1, range.end(), range.until(), range.release()));
            }
            removed += Math.min(range.end(), last) - Math.max(range.start(), first) + 1;
            entry = quarantined.higherEntry(range.start());
        }
        return removed;
    }

    private void addQuarantined(Quarantined range) {
        quarantined.put(range.start(), range);
        byAge.add(range);
        quarantinedCount += range.length();
    }

    /** Adds a held range to the free ones, merged with free neighbours. */
    private void addFree(long first, long last) {
        long start = first;
        long end = last;
        Map.Entry<Long, Long> before = first > 0 ? free.floorEntry(first - 1) : null;
        if (before != null && before.getValue() == first - 1) {
            start = before.getKey();
            free.remove(start);
        }
        Long afterEnd = last + 1 < size ? free.remove(last + 1) : null;
        if (afterEnd != null) {
            end = afterEnd;
        }
        free.put(start, end);
        freeCount += last - first + 1;
    }

    private static Map.Entry<Long, Long> covering(NavigableMap<Long, Long> ranges, long index) {
        Map.Entry<Long, Long> range = ranges.floorEntry(index);
        return range != null && range.getValue() >= index ? range : null;
    }

    private Quarantined coveringQuarantine(long index) {
        Map.Entry<Long, Quarantined> entry = quarantined.floorEntry(index);
        return entry != null && entry.getValue().end() >= index ? entry.getValue() : null;
    }

    private void checkIndex(long index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("subnet index " + index + " outside 0.." + (size - 1));
        }
    }

    private void checkRange(long first, long last) {
        checkIndex(first);
        checkIndex(last);
        if (last < first) {
            throw new IllegalArgumentException("subnet range " + first + ".." + last + " is reversed");
        }
    }

    /** Indices first..last, released together (one release number) and free again from until. */
    private record Quarantined(long start, long end, Instant until, long release) {
        long length() {
            return end - start + 1;
        }
    }
}
