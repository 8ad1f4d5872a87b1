package io.weft.allocator.compaction;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.allocator.compaction.Compactor.Outcome;
import io.weft.allocator.compaction.Compactor.Round;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The compactor's decisions, round by round, over an in-memory etcd shared by replicas. A round
 * is what the scheduler runs once per interval, so no test needs a clock that moves.
 */
@Timeout(10)
class CompactorTest {

    private final LedgerInMemory etcd = new LedgerInMemory();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    @Test
    void theFirstRoundRecordsTheRevisionAndTheNextCompactsToIt() {
        Compactor replica = replica(registry);

        Round first = replica.round().join();
        assertThat(first.outcome()).isEqualTo(Outcome.RECORDED);
        assertThat(etcd.compactions).isEmpty();
        long seen = first.revision();

        etcd.write(50);
        Round second = replica.round().join();

        assertThat(second).isEqualTo(new Round(Outcome.COMPACTED, seen));
        assertThat(etcd.compactions).containsExactly(seen);
        assertThat(registry.get("weft_etcd_compactions").counter().count()).isEqualTo(1);
        assertThat(registry.get("weft_etcd_compacted_revision").gauge().value()).isEqualTo(seen);
    }

    @Test
    void replicasCompactAtMostOncePerIntervalBetweenThemInWhateverOrderTheirRoundsRun() {
        List<Compactor> replicas =
                List.of(replica(registry), replica(new SimpleMeterRegistry()), replica(new SimpleMeterRegistry()));
        Random random = new Random(7);
        List<Long> revisionsAtRoundStart = new ArrayList<>();
        for (int interval = 0; interval < 40; interval++) {
            revisionsAtRoundStart.add(etcd.head);
            int before = etcd.compactions.size();
            List<Compactor> order = new ArrayList<>(replicas);
            java.util.Collections.shuffle(order, random);
            for (Compactor replica : order) {
                replica.round().join();
                etcd.write(random.nextInt(20));
            }
            assertThat(etcd.compactions.size() - before)
                    .as("compactions in interval %d", interval)
                    .isLessThanOrEqualTo(1);
        }
        // Every interval after the first two compacts, and never to a revision newer than one
        // interval ago: watchers within an interval can still resume.
        assertThat(etcd.compactions).hasSizeGreaterThanOrEqualTo(38).isSorted();
        for (int i = 1; i < etcd.compactions.size(); i++) {
            assertThat(etcd.compactions.get(i)).isGreaterThan(etcd.compactions.get(i - 1));
        }
        long last = etcd.compactions.getLast();
        assertThat(last).isLessThan(revisionsAtRoundStart.getLast());
    }

    @Test
    void whenTheWinningReplicaStopsAnotherCompactsToTheRevisionItSawOneRoundEarlier() {
        Compactor winner = replica(registry);
        Compactor other = replica(new SimpleMeterRegistry());
        winner.round().join();
        other.round().join();
        etcd.write(10);
        assertThat(winner.round().join().outcome()).isEqualTo(Outcome.COMPACTED);
        Round lost = other.round().join();
        assertThat(lost.outcome()).isEqualTo(Outcome.LOST);

        etcd.write(10);
        Round takeover = other.round().join();

        assertThat(takeover).isEqualTo(new Round(Outcome.COMPACTED, lost.revision()));
    }

    @Test
    void aRoundWhileTheLastOneStillWaitsOnEtcdDoesNothing() {
        Compactor replica = replica(registry);
        etcd.pendingClaim = new CompletableFuture<>();
        CompletableFuture<Round> waiting = replica.round();

        assertThat(replica.round().join().outcome()).isEqualTo(Outcome.BUSY);

        etcd.pendingClaim.complete(new CompactionLedger.Claim(true, 1, 5));
        assertThat(waiting.join().outcome()).isEqualTo(Outcome.RECORDED);
    }

    @Test
    void anUnreachableEtcdFailsTheRoundAndTheNextReachableRoundCarriesOn() {
        Compactor replica = replica(registry);
        long seen = replica.round().join().revision();
        etcd.unreachable = true;

        assertThat(replica.round().join().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(replica.round().join().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(registry.get("weft_etcd_compaction_failures").counter().count())
                .isEqualTo(2);

        etcd.unreachable = false;
        assertThat(replica.round().join()).isEqualTo(new Round(Outcome.COMPACTED, seen));
    }

    @Test
    void afterEtcdLostItsDataTheNextCompactionTargetsARevisionOfTheNewStore() {
        Compactor replica = replica(registry);
        replica.round().join();
        etcd.write(1000);
        replica.round().join();
        etcd.wipe();
        etcd.write(3);

        // The key is gone (version 0): the claim loses and adopts the new store's version and revision.
        Round lost = replica.round().join();
        assertThat(lost.outcome()).isEqualTo(Outcome.LOST);
        etcd.write(5);

        assertThat(replica.round().join()).isEqualTo(new Round(Outcome.COMPACTED, lost.revision()));
    }

    @Test
    void aRevisionFromBeforeEtcdLostItsDataIsNeverCompactedTo() {
        Compactor before = replica(registry);
        etcd.write(1000);
        before.round().join();
        etcd.wipe();
        // A replica started on the new store claims first, so the old one's version matches again.
        replica(new SimpleMeterRegistry()).round().join();

        Round future = before.round().join();
        assertThat(future.outcome()).isEqualTo(Outcome.FUTURE_REVISION);
        assertThat(etcd.compactions).isEmpty();
        etcd.write(5);

        Round next = before.round().join();
        assertThat(next.outcome()).isEqualTo(Outcome.COMPACTED);
        assertThat(next.revision()).isLessThan(etcd.head);
    }

    @Test
    void aHistoryAlreadyCompactedFurtherBySomeoneElseIsLeftAlone() {
        Compactor replica = replica(registry);
        replica.round().join();
        etcd.write(100);
        etcd.compacted = etcd.head; // an operator ran etcdctl compact

        assertThat(replica.round().join().outcome()).isEqualTo(Outcome.ALREADY_COMPACTED);
        assertThat(etcd.compactions).isEmpty();
        assertThat(registry.get("weft_etcd_compactions").counter().count()).isZero();
    }

    @Test
    void whileEtcdIsOutOfSpaceEveryRoundCompactsToItsHeadAndRunsTheFollowUp() {
        List<Long> followed = new ArrayList<>();
        Compactor replica = new Compactor(
                etcd,
                fixedClock(),
                revision -> {
                    followed.add(revision);
                    return CompletableFuture.completedFuture(null);
                },
                registry);
        replica.round().join();
        etcd.write(500);
        etcd.outOfSpace = true;

        assertThat(replica.round().join()).isEqualTo(new Round(Outcome.COMPACTED, etcd.head));
        assertThat(replica.round().join()).isEqualTo(new Round(Outcome.ALREADY_COMPACTED, etcd.head));
        assertThat(etcd.compactions).containsExactly(etcd.head);
        assertThat(followed).containsExactly(etcd.head, etcd.head);

        etcd.outOfSpace = false;
        etcd.write(10);
        Round afterwards = replica.round().join();
        // Its recorded revision is the head it compacted to while out of space.
        assertThat(afterwards.outcome()).isEqualTo(Outcome.ALREADY_COMPACTED);
        etcd.write(10);
        assertThat(replica.round().join().outcome()).isEqualTo(Outcome.COMPACTED);
    }

    @Test
    void theFollowUpRunsAfterEachCompactionWithItsRevision() {
        List<Long> followed = new ArrayList<>();
        Compactor replica = new Compactor(
                etcd,
                fixedClock(),
                revision -> {
                    followed.add(revision);
                    return CompletableFuture.failedFuture(new IllegalStateException("defragmentation refused"));
                },
                registry);
        long seen = replica.round().join().revision();

        assertThat(replica.round().join()).isEqualTo(new Round(Outcome.COMPACTED, seen));
        assertThat(followed).containsExactly(seen);
    }

    private Compactor replica(SimpleMeterRegistry meters) {
        return new Compactor(etcd, fixedClock(), CompactionFollowUp.NONE, meters);
    }

    private static InstantSource fixedClock() {
        return InstantSource.fixed(Instant.parse("2026-01-01T00:00:00Z"));
    }
}
