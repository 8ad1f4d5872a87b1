package io.weft.allocator.compaction;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compacts etcd's history, at most once per interval whatever the number of replicas, always to
 * the revision seen one interval earlier, so a watcher less than one interval behind can still
 * resume (the scheme of kube-apiserver's {@code --etcd-compaction-interval}).
 *
 * <p>Every interval each replica runs a {@link #round()}: it claims the round on the shared
 * {@link CompactionLedger} with the key version it last saw. The claim is a compare-and-swap,
 * so of the replicas that saw one version only the first wins; the others lose and adopt the new
 * version and etcd's current revision. The winner compacts to the revision it recorded at its
 * previous round, then records the revision of its claim. A replica starts a round one interval
 * after its previous round ended, so after it saw the version it claims with; as only that
 * version wins, two compactions are never less than one interval apart (unless etcd kept a round
 * waiting longer than {@link #PATIENCE} or the interval: the next round is then due anyway). A
 * replica's first round compacts nothing:
 * it has recorded no revision yet.
 *
 * <p>When etcd is out of space (its NOSPACE alarm refuses every write, the claim too), each round
 * compacts to etcd's head revision without a claim: nothing can be written meanwhile, so no
 * watcher can be behind it, and compacting twice to one revision is harmless. The follow-up
 * (defragmenting the local member) is what gives the space back.
 *
 * <p>Threads: rounds never overlap (a round still waiting on etcd makes the next tick skip).
 */
public final class Compactor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Compactor.class);

    /** What one round did. */
    public enum Outcome {
        /** The previous round still runs: this one did nothing. */
        BUSY,
        /** Won, but had no revision recorded yet: nothing to compact this time. */
        RECORDED,
        /** Another replica won this round. */
        LOST,
        COMPACTED,
        ALREADY_COMPACTED,
        /** etcd's head is below the recorded revision (it lost its data): nothing compacted. */
        FUTURE_REVISION,
        /** etcd could not be asked; tried again next round. */
        FAILED
    }

    /** One round's outcome and the revision it concerned (0 when none). */
    public record Round(Outcome outcome, long revision) {}

    private final CompactionLedger ledger;
    private final InstantSource clock;
    private final CompactionFollowUp followUp;
    private final Counter compactions;
    private final Counter failures;
    private final AtomicLong compactedRevision = new AtomicLong();
    private final AtomicBoolean running = new AtomicBoolean();
    // Written by one round at a time; volatile because rounds continue on etcd's threads.
    private volatile long knownVersion;
    private volatile long recordedRevision;
    private volatile boolean failing;
    private volatile boolean outOfSpace;
    private volatile ScheduledFuture<?> schedule;
    private volatile boolean closed;

    public Compactor(
            CompactionLedger ledger, InstantSource clock, CompactionFollowUp followUp, MeterRegistry registry) {
        this.ledger = ledger;
        this.clock = clock;
        this.followUp = followUp;
        this.compactions = Counter.builder("weft_etcd_compactions")
                .description("Compactions of etcd's history made by this replica")
                .register(registry);
        this.failures = Counter.builder("weft_etcd_compaction_failures")
                .description("Compaction rounds that could not reach etcd")
                .register(registry);
        Gauge.builder("weft_etcd_compacted_revision", compactedRevision, AtomicLong::get)
                .description("The revision this replica last compacted etcd's history to (0: none yet)")
                .register(registry);
    }

    /** How long a round may wait on etcd before the next one is scheduled anyway (at least the interval). */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    /** Runs a round one interval from now, and each further one an interval after the last ended. */
    public void start(ScheduledExecutorService scheduler, Duration interval) {
        scheduleNext(scheduler, interval);
        LOG.info(
                "compacting etcd's history every {} (to the revision seen one interval earlier), "
                        + "together with the other replicas",
                interval.toString().substring(2).toLowerCase(Locale.ROOT));
    }

    private void scheduleNext(ScheduledExecutorService scheduler, Duration interval) {
        if (closed) {
            return;
        }
        long patience = Math.max(interval.toMillis(), PATIENCE.toMillis());
        try {
            // copy(): giving up waiting must not complete the round itself, which still has to end.
            schedule = scheduler.schedule(
                    () -> round().copy()
                            .completeOnTimeout(null, patience, TimeUnit.MILLISECONDS)
                            .whenComplete((done, error) -> scheduleNext(scheduler, interval)),
                    interval.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // the scheduler is shut down: the server is stopping
        }
    }

    /** One round; completes (never exceptionally) once it and any follow-up are done. */
    public CompletableFuture<Round> round() {
        if (!running.compareAndSet(false, true)) {
            return CompletableFuture.completedFuture(new Round(Outcome.BUSY, 0));
        }
        CompletableFuture<Round> round;
        try {
            round = ledger.claim(knownVersion)
                    .thenCompose(this::afterClaim)
                    .exceptionallyCompose(error -> unwrap(error) instanceof CompactionLedger.OutOfSpaceException full
                            ? compactOutOfSpace(full)
                            : CompletableFuture.failedFuture(error));
        } catch (RuntimeException e) {
            round = CompletableFuture.failedFuture(e);
        }
        return round.handle((done, error) -> {
            Round result = error == null ? done : failed(error);
            running.set(false);
            return result;
        });
    }

    private CompletableFuture<Round> afterClaim(CompactionLedger.Claim claim) {
        recovered();
        knownVersion = claim.version();
        long target = recordedRevision;
        recordedRevision = claim.revision();
        if (!claim.won()) {
            return CompletableFuture.completedFuture(new Round(Outcome.LOST, claim.revision()));
        }
        if (target == 0) {
            return CompletableFuture.completedFuture(new Round(Outcome.RECORDED, claim.revision()));
        }
        return compactTo(target, claim.revision());
    }

    private CompletableFuture<Round> compactOutOfSpace(CompactionLedger.OutOfSpaceException full) {
        if (!outOfSpace) {
            outOfSpace = true;
            LOG.warn(
                    "{}: compacting to its head revision every round, without the shared key, until it "
                            + "accepts writes again",
                    full.getMessage());
        }
        return ledger.headRevision().thenCompose(head -> {
            recordedRevision = head;
            long started = clock.millis();
            return ledger.compact(head).thenCompose(compaction -> {
                if (compaction == CompactionLedger.Compaction.COMPACTED) {
                    compacted(head, started);
                }
                // Even when an earlier round compacted already: the follow-up may free the space now.
                return followUp(
                        head,
                        compaction == CompactionLedger.Compaction.COMPACTED
                                ? Outcome.COMPACTED
                                : Outcome.ALREADY_COMPACTED);
            });
        });
    }

    private void compacted(long target, long startedMillis) {
        compactions.increment();
        compactedRevision.set(target);
        LOG.info("compacted etcd's history to revision {} in {} ms", target, clock.millis() - startedMillis);
    }

    private CompletableFuture<Round> followUp(long target, Outcome outcome) {
        return followUp.compacted(target).handle((ignored, error) -> {
            if (error != null) {
                LOG.warn("after compacting: {}", unwrap(error).getMessage());
            }
            return new Round(outcome, target);
        });
    }

    private CompletableFuture<Round> compactTo(long target, long next) {
        long started = clock.millis();
        return ledger.compact(target).thenCompose(compaction -> switch (compaction) {
            case COMPACTED -> {
                compacted(target, started);
                yield followUp(target, Outcome.COMPACTED);
            }
            case ALREADY_COMPACTED -> {
                LOG.info("etcd's history was already compacted past revision {} by someone else", target);
                yield CompletableFuture.completedFuture(new Round(Outcome.ALREADY_COMPACTED, target));
            }
            case FUTURE_REVISION -> {
                LOG.warn(
                        "revision {} is beyond etcd's head (etcd restarted empty?): nothing compacted; "
                                + "compacting to revision {} next time",
                        target,
                        next);
                yield CompletableFuture.completedFuture(new Round(Outcome.FUTURE_REVISION, target));
            }
        });
    }

    private Round failed(Throwable error) {
        failures.increment();
        if (!failing) {
            failing = true;
            Throwable cause = error.getCause() != null ? error.getCause() : error;
            LOG.warn("etcd compaction round failed ({}); trying again every interval", cause.getMessage());
        }
        return new Round(Outcome.FAILED, 0);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private void recovered() {
        if (outOfSpace) {
            outOfSpace = false;
            LOG.info("etcd accepts writes again");
        }
        if (failing) {
            failing = false;
            LOG.info("etcd compaction rounds reach etcd again");
        }
    }

    @Override
    public void close() {
        closed = true;
        ScheduledFuture<?> scheduled = schedule;
        if (scheduled != null) {
            scheduled.cancel(false);
        }
    }
}
