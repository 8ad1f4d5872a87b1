package io.weft.allocator.alloc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link FreeSubnets}: take, release through quarantine, returnUnused and takeAny, checked by
 * hand on small cases and against a reference model (a held set plus an ordered quarantine map)
 * after every step of random operation sequences. Time is an {@link Instant} the test moves.
 */
@Timeout(60)
class FreeSubnetsTest {

    private static final Instant T0 = Instant.parse("2025-01-01T00:00:00Z");
    private static final Duration QUARANTINE = Duration.ofMinutes(10);
    private static final long SEED = Long.getLong("weft.test.seed", System.nanoTime());

    /** A generator whose bounded draws always answer {@code k} (capped to the bound). */
    private static RandomGenerator fixed(long k) {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return k;
            }

            @Override
            public long nextLong(long bound) {
                return Math.min(k, bound - 1);
            }
        };
    }

    private static final RandomGenerator LOWEST = fixed(0);

    @Test
    void aNewSpaceIsEntirelyFree() {
        FreeSubnets free = new FreeSubnets(5, QUARANTINE);

        assertThat(free.size()).isEqualTo(5);
        assertThat(free.freeCount()).isEqualTo(5);
        for (long i = 0; i < 5; i++) {
            assertThat(free.isAvailable(i)).as("index %d", i).isTrue();
        }
    }

    @Test
    void anEmptySpaceIsRejected() {
        assertThatThrownBy(() -> new FreeSubnets(0, QUARANTINE))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0");
        assertThatThrownBy(() -> new FreeSubnets(-3, QUARANTINE)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void takeMarksHeldAndAnswersFalseTheSecondTime() {
        FreeSubnets free = new FreeSubnets(5, QUARANTINE);

        assertThat(free.take(2)).isTrue();
        assertThat(free.take(2)).isFalse();
        assertThat(free.isAvailable(2)).isFalse();
        assertThat(free.isAvailable(1)).isTrue();
        assertThat(free.isAvailable(3)).isTrue();
        assertThat(free.freeCount()).isEqualTo(4);
    }

    @Test
    void takingEveryIndexInAnyOrderEmptiesTheSpace() {
        FreeSubnets free = new FreeSubnets(7, Duration.ZERO);
        for (long i : new long[] {3, 0, 6, 1, 5, 2, 4}) {
            assertThat(free.take(i)).as("take %d", i).isTrue();
        }

        assertThat(free.freeCount()).isZero();
        assertThat(free.takeAny(T0, LOWEST)).isEmpty();
    }

    @Test
    void releaseWithoutQuarantineFreesAtOnce() {
        FreeSubnets free = new FreeSubnets(3, Duration.ZERO);
        free.take(0);
        free.take(1);
        free.take(2);

        free.release(1, T0);

        assertThat(free.isAvailable(1)).isTrue();
        assertThat(free.freeCount()).isEqualTo(1);
        assertThat(free.takeAny(T0, LOWEST)).hasValue(1);
    }

    @Test
    void aQuarantinedSubnetCountsAsFreeButIsHandedOutOnlyWhenNothingElseIs() {
        FreeSubnets free = new FreeSubnets(3, QUARANTINE);
        free.take(0);
        free.take(1);

        free.release(0, T0);

        assertThat(free.isAvailable(0)).isTrue();
        assertThat(free.freeCount()).isEqualTo(2);
        // Index 0 is the lowest, so a window pick would choose it if it were plainly free.
        assertThat(free.takeAny(T0.plusSeconds(1), LOWEST)).hasValue(2);
        assertThat(free.takeAny(T0.plusSeconds(2), LOWEST)).hasValue(0);
        assertThat(free.takeAny(T0.plusSeconds(3), LOWEST)).isEmpty();
        assertThat(free.freeCount()).isZero();
    }

    @Test
    void quarantinedSubnetsAreHandedOutOldestFirst() {
        FreeSubnets free = new FreeSubnets(4, QUARANTINE);
        for (long i = 0; i < 4; i++) {
            free.take(i);
        }
        free.release(2, T0);
        free.release(0, T0.plusSeconds(1));
        free.release(3, T0.plusSeconds(2));

        Instant now = T0.plusSeconds(3);
        assertThat(free.takeAny(now, LOWEST)).hasValue(2);
        assertThat(free.takeAny(now, LOWEST)).hasValue(0);
        assertThat(free.takeAny(now, LOWEST)).hasValue(3);
        assertThat(free.takeAny(now, LOWEST)).isEmpty();
    }

    @Test
    void quarantineExpiryMakesTheSubnetPlainlyFreeAgain() {
        FreeSubnets before = new FreeSubnets(2, QUARANTINE);
        before.take(0);
        before.release(0, T0);
        // One nanosecond before the end of quarantine, the plainly free index 1 wins.
        assertThat(before.takeAny(T0.plus(QUARANTINE).minusNanos(1), LOWEST)).hasValue(1);

        FreeSubnets after = new FreeSubnets(2, QUARANTINE);
        after.take(0);
        after.release(0, T0);
        // From the end of quarantine on, index 0 is the lowest free index again.
        assertThat(after.takeAny(T0.plus(QUARANTINE), LOWEST)).hasValue(0);
        assertThat(after.freeCount()).isEqualTo(1);
    }

    @Test
    void takingAQuarantinedSubnetCancelsItsQuarantine() {
        FreeSubnets free = new FreeSubnets(3, QUARANTINE);
        free.take(0);
        free.take(1);
        free.take(2);
        free.release(0, T0);
        free.release(1, T0.plusSeconds(1));

        assertThat(free.take(0)).as("a quarantined subnet is available to take").isTrue();
        assertThat(free.isAvailable(0)).isFalse();
        assertThat(free.freeCount()).isEqualTo(1);
        assertThat(free.takeAny(T0.plusSeconds(2), LOWEST)).hasValue(1);
        assertThat(free.takeAny(T0.plusSeconds(3), LOWEST))
                .as("0 is held, not handed out again")
                .isEmpty();
        // Its cancelled quarantine entry must not free it when it would have expired either.
        assertThat(free.takeAny(T0.plus(QUARANTINE).plusSeconds(5), LOWEST)).isEmpty();
        assertThat(free.isAvailable(0)).isFalse();
    }

    @Test
    void releasingTwiceOrReleasingAFreeSubnetChangesNothing() {
        FreeSubnets free = new FreeSubnets(2, QUARANTINE);
        free.take(0);
        free.take(1);

        free.release(0, T0);
        free.release(0, T0.plusSeconds(1));
        free.release(0, T0.plusSeconds(2));

        assertThat(free.freeCount()).isEqualTo(1);
        assertThat(free.takeAny(T0.plusSeconds(3), LOWEST)).hasValue(0);
        assertThat(free.takeAny(T0.plusSeconds(4), LOWEST))
                .as("one quarantine entry only")
                .isEmpty();
        assertThat(free.freeCount()).isZero();
    }

    @Test
    void returnUnusedFreesAtOnceEvenWithAQuarantine() {
        FreeSubnets free = new FreeSubnets(3, QUARANTINE);
        free.take(0);
        free.take(1);
        free.take(2);

        free.returnUnused(1);

        assertThat(free.isAvailable(1)).isTrue();
        assertThat(free.freeCount()).isEqualTo(1);
        assertThat(free.takeAny(T0, LOWEST)).hasValue(1);
    }

    @Test
    void returnUnusedOfAnAvailableSubnetChangesNothing() {
        FreeSubnets free = new FreeSubnets(3, QUARANTINE);
        free.take(0);
        free.take(1);
        free.release(1, T0);

        free.returnUnused(2);
        free.returnUnused(1);

        assertThat(free.freeCount()).isEqualTo(2);
        // 1 is still quarantined, not plainly free: the window pick takes 2 first.
        assertThat(free.takeAny(T0.plusSeconds(1), LOWEST)).hasValue(2);
        assertThat(free.takeAny(T0.plusSeconds(1), LOWEST)).hasValue(1);
    }

    @Test
    void freedNeighboursMergeSoTheLowestFreeIsFoundAgain() {
        FreeSubnets free = new FreeSubnets(10, Duration.ZERO);
        for (long i = 0; i < 10; i++) {
            free.take(i);
        }
        for (long i : new long[] {4, 6, 5, 3, 7}) {
            free.release(i, T0);
        }

        assertThat(free.freeCount()).isEqualTo(5);
        for (long expected = 3; expected <= 7; expected++) {
            assertThat(free.takeAny(T0, LOWEST)).hasValue(expected);
        }
        assertThat(free.takeAny(T0, LOWEST)).isEmpty();
    }

    @Test
    void takeAnyDrawsFromTheLowestSixtyFourFreeSubnets() {
        Set<Long> drawn = new HashSet<>();
        Random random = new Random(SEED);
        for (int i = 0; i < 3_000; i++) {
            FreeSubnets free = new FreeSubnets(1_000, QUARANTINE);
            // Hold 0..9 so the window is 10..73, not 0..63.
            for (long held = 0; held < 10; held++) {
                free.take(held);
            }
            long index = free.takeAny(T0, random).orElseThrow();
            assertThat(free.isAvailable(index)).isFalse();
            drawn.add(index);
        }

        assertThat(drawn)
                .as("seed %d", SEED)
                .hasSize(FreeSubnets.PICK_WINDOW)
                .allSatisfy(i -> assertThat(i).isBetween(10L, 10L + FreeSubnets.PICK_WINDOW - 1));
    }

    @Test
    void takeAnyWindowCountsFreeSubnetsAcrossGaps() {
        FreeSubnets free = new FreeSubnets(200, Duration.ZERO);
        // Hold every even index: the 64 lowest free ones are the odd numbers 1..127.
        for (long i = 0; i < 200; i += 2) {
            free.take(i);
        }

        assertThat(free.takeAny(T0, fixed(FreeSubnets.PICK_WINDOW - 1))).hasValue(127);
        assertThat(free.takeAny(T0, fixed(0))).hasValue(1);
    }

    @Test
    void indicesOutsideTheSpaceAreRejected() {
        FreeSubnets free = new FreeSubnets(8, QUARANTINE);

        assertThatThrownBy(() -> free.take(-1))
                .isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("-1")
                .hasMessageContaining("0..7");
        assertThatThrownBy(() -> free.take(8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> free.release(8, T0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> free.release(-1, T0)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> free.returnUnused(8)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThatThrownBy(() -> free.returnUnused(Long.MIN_VALUE)).isInstanceOf(IndexOutOfBoundsException.class);
        assertThat(free.isAvailable(-1)).isFalse();
        assertThat(free.isAvailable(8)).isFalse();
        assertThat(free.freeCount()).as("failed calls change nothing").isEqualTo(8);
    }

    @Test
    void aTwoToTheThirtyTwoSpaceTracksTenThousandRandomLeases() {
        long size = 1L << 32;
        FreeSubnets free = new FreeSubnets(size, Duration.ZERO);
        Random random = new Random(SEED);
        TreeSet<Long> held = new TreeSet<>();
        held.add(0L);
        held.add(size - 1);
        while (held.size() < 10_000) {
            held.add(random.nextLong(size));
        }

        for (long index : held) {
            assertThat(free.take(index)).as("seed %d take %d", SEED, index).isTrue();
        }
        for (long index : held) {
            assertThat(free.take(index)).as("seed %d retake %d", SEED, index).isFalse();
        }

        assertThat(free.freeCount()).isEqualTo(size - 10_000);
        for (long index : held) {
            assertThat(free.isAvailable(index)).isFalse();
            if (!held.contains(index + 1) && index + 1 < size) {
                assertThat(free.isAvailable(index + 1))
                        .as("seed %d index %d", SEED, index + 1)
                        .isTrue();
            }
        }
        long lowestFree = 1;
        while (held.contains(lowestFree)) {
            lowestFree++;
        }
        assertThat(free.takeAny(T0, LOWEST)).hasValue(lowestFree);
        free.returnUnused(lowestFree);

        for (long index : held) {
            free.release(index, T0);
        }
        assertThat(free.freeCount()).isEqualTo(size);
        assertThat(free.takeAny(T0, LOWEST)).hasValue(0);
        assertThat(free.takeAny(T0, fixed(FreeSubnets.PICK_WINDOW - 1))).hasValue(FreeSubnets.PICK_WINDOW);
    }

    @Test
    void aSpaceOfLongMaxValueSubnetsCostsNoMoreThanASmallOne() {
        FreeSubnets free = new FreeSubnets(Long.MAX_VALUE, QUARANTINE);

        assertThat(free.take(Long.MAX_VALUE - 1)).isTrue();
        assertThat(free.take(0)).isTrue();
        assertThat(free.freeCount()).isEqualTo(Long.MAX_VALUE - 2);
        free.returnUnused(Long.MAX_VALUE - 1);
        assertThat(free.isAvailable(Long.MAX_VALUE - 1)).isTrue();
        assertThat(free.takeAny(T0, LOWEST)).hasValue(1);
        assertThat(free.freeCount()).isEqualTo(Long.MAX_VALUE - 2);
    }

    @Test
    void releasingTwoToTheFiftySixIndicesAtOnceQuarantinesThemAsOneRange() {
        // A /64 lease over a space of /120s, released: 2^56 indices in one step.
        long span = 1L << 56;
        FreeSubnets free = new FreeSubnets(Long.MAX_VALUE, QUARANTINE);
        assertThat(free.takeRange(0, span - 1)).isEqualTo(span);
        assertThat(free.takeAny(T0, LOWEST))
                .as("the lowest free index after the range")
                .hasValue(span);

        free.releaseRange(0, span - 1, T0);

        assertThat(free.freeCount()).isEqualTo(Long.MAX_VALUE - 1);
        assertThat(free.isAvailable(span / 2)).isTrue();
        assertThat(free.takeAny(T0.plusSeconds(1), LOWEST))
                .as("quarantined ones come last")
                .hasValue(span + 1);
        assertThat(free.take(span / 2))
                .as("a quarantined index can be taken by name")
                .isTrue();
        assertThat(free.takeRange(span / 2 - 1, span / 2 + 1)).isEqualTo(2);
        assertThat(free.takeAny(T0.plus(QUARANTINE), LOWEST))
                .as("quarantine over: lowest again")
                .hasValue(0);
        assertThat(free.freeCount()).isEqualTo(Long.MAX_VALUE - 6);
    }

    @Test
    void takingARangeCountsOnlyWhatWasAvailable() {
        FreeSubnets free = new FreeSubnets(10, QUARANTINE);
        free.take(3);
        free.take(5);
        free.release(5, T0);

        assertThat(free.takeRange(2, 6)).as("2, 4, 5 (quarantined) and 6").isEqualTo(4);
        assertThat(free.takeRange(2, 6)).isZero();
        assertThat(free.freeCount()).isEqualTo(5);
    }

    /** The reference: which indices are held, and the quarantine in release order. */
    private static final class Model {
        final long size;
        final Duration quarantine;
        final Set<Long> held = new HashSet<>();
        final LinkedHashMap<Long, Instant> quarantinedUntil = new LinkedHashMap<>();

        Model(long size, Duration quarantine) {
            this.size = size;
            this.quarantine = quarantine;
        }

        boolean available(long index) {
            return !held.contains(index);
        }

        boolean take(long index) {
            quarantinedUntil.remove(index);
            return held.add(index);
        }

        void release(long index, Instant now) {
            if (held.remove(index) && !quarantine.isZero()) {
                quarantinedUntil.put(index, now.plus(quarantine));
            }
        }

        void returnUnused(long index) {
            held.remove(index);
        }

        /** Quarantine ends at its deadline: from then on the subnet is plainly free. */
        void expire(Instant now) {
            quarantinedUntil.values().removeIf(until -> !until.isAfter(now));
        }

        /** Plainly free indices, lowest first. */
        TreeSet<Long> fresh() {
            TreeSet<Long> fresh = new TreeSet<>();
            for (long i = 0; i < size; i++) {
                if (!held.contains(i) && !quarantinedUntil.containsKey(i)) {
                    fresh.add(i);
                }
            }
            return fresh;
        }
    }

    @Test
    void randomOperationsMatchTheModel() {
        Random random = new Random(SEED);
        for (int sequence = 0; sequence < 200; sequence++) {
            long size = 1 + random.nextInt(random.nextBoolean() ? 8 : 150);
            Duration quarantine = random.nextInt(4) == 0 ? Duration.ZERO : Duration.ofSeconds(1 + random.nextInt(600));
            FreeSubnets free = new FreeSubnets(size, quarantine);
            Model model = new Model(size, quarantine);
            Instant now = T0;
            StringBuilder trace = new StringBuilder();
            for (int step = 0; step < 300; step++) {
                long index = random.nextLong(size);
                String where = "seed " + SEED + " (replay with -Dweft.test.seed=" + SEED + ") sequence " + sequence
                        + " step " + step + " size " + size + " quarantine " + quarantine;
                long last = Math.min(size - 1, index + random.nextInt(12));
                switch (random.nextInt(8)) {
                    case 0, 1 -> {
                        trace.append(" take(").append(index).append(')');
                        boolean expected = model.available(index);
                        model.take(index);
                        assertThat(free.take(index)).as(where + trace).isEqualTo(expected);
                    }
                    case 2 -> {
                        trace.append(" release(").append(index).append(')');
                        free.release(index, now);
                        model.release(index, now);
                    }
                    case 3 -> {
                        trace.append(" returnUnused(").append(index).append(')');
                        free.returnUnused(index);
                        model.returnUnused(index);
                    }
                    case 4 -> {
                        OptionalLong taken = free.takeAny(now, new Random(random.nextLong()));
                        trace.append(" takeAny=").append(taken);
                        checkTakeAny(model, now, taken, where + trace);
                    }
                    case 5 -> {
                        trace.append(" takeRange(")
                                .append(index)
                                .append("..")
                                .append(last)
                                .append(')');
                        long expected = 0;
                        for (long i = index; i <= last; i++) {
                            expected += model.take(i) ? 1 : 0;
                        }
                        assertThat(free.takeRange(index, last))
                                .as(where + trace)
                                .isEqualTo(expected);
                    }
                    case 6 -> {
                        // A foreign prefix released: every held index in the range, lowest first.
                        trace.append(" releaseRange(")
                                .append(index)
                                .append("..")
                                .append(last)
                                .append(')');
                        free.releaseRange(index, last, now);
                        for (long i = index; i <= last; i++) {
                            model.release(i, now);
                        }
                    }
                    default -> {
                        long seconds = random.nextInt((int) Math.max(2, quarantine.toSeconds() / 2));
                        now = now.plusSeconds(seconds);
                        trace.append(" +").append(seconds).append('s');
                    }
                }
                if (trace.length() > 2_000) {
                    trace.delete(0, trace.length() - 1_000);
                }
                assertThat(free.freeCount()).as(where + trace).isEqualTo(size - model.held.size());
                for (long i = 0; i < size; i++) {
                    assertThat(free.isAvailable(i))
                            .as(where + " index " + i + trace)
                            .isEqualTo(model.available(i));
                }
            }
        }
    }

    private static void checkTakeAny(Model model, Instant now, OptionalLong taken, String where) {
        model.expire(now);
        TreeSet<Long> fresh = model.fresh();
        if (!fresh.isEmpty()) {
            Set<Long> window = new HashSet<>();
            Iterator<Long> lowest = fresh.iterator();
            for (int i = 0; i < FreeSubnets.PICK_WINDOW && lowest.hasNext(); i++) {
                window.add(lowest.next());
            }
            assertThat(taken).as(where).isPresent();
            assertThat(window)
                    .as(where + ": a plainly free subnet from the window")
                    .contains(taken.getAsLong());
        } else if (!model.quarantinedUntil.isEmpty()) {
            Map.Entry<Long, Instant> oldest =
                    model.quarantinedUntil.entrySet().iterator().next();
            assertThat(taken).as(where + ": the oldest quarantined subnet").hasValue(oldest.getKey());
        } else {
            assertThat(taken).as(where + ": nothing is free").isEmpty();
        }
        if (taken.isPresent()) {
            model.take(taken.getAsLong());
        }
    }
}
