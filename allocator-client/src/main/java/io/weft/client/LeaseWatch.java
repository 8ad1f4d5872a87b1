package io.weft.client;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lease watch that survives broken streams. It remembers the last revision it saw (of a
 * snapshot or of an event) and, when the stream ends for any reason a retry can fix (a server
 * restart, {@code UNAVAILABLE}), reconnects after a back-off, to the next server address when the
 * last was unavailable, asking to resume after that revision. The server then sends only what
 * happened since, or a snapshot with {@code reset} set if it cannot, so no change is lost.
 *
 * <p>One etcd revision can carry many changes (an expiring etcd lease deletes every key on it
 * at once) and the server sends them one message each, so a stream can break after only some
 * of a revision's changes. After an event the watch therefore resumes one revision earlier and
 * drops the repeats of the changes it already applied at the last revision (a key changes at
 * most once per revision): the listener hears each change exactly once.
 *
 * <p>The watch keeps the current state as a map from subnet to lease ({@link #view()}), updated
 * before the listener hears of each change. A snapshot the server splits into chunks (all but
 * the last marked {@code more}) is applied, and reported, once it is complete; a stream that
 * breaks mid-snapshot leaves the view as it was.
 *
 * <p>A stream can also die without ending: a frozen server or a half-open connection sends
 * nothing and reports nothing. The server sends a PROGRESS message on an idle stream every
 * progress interval (10 s by default), so a stream silent for {@link Builder#progressTimeout}
 * (35 s by default: three intervals and a margin) is treated as dead: the watch cancels it and
 * reconnects like after {@code UNAVAILABLE}, to the next server first. A PROGRESS message moves
 * {@link #lastRevision()} forward and is not reported to the listener.
 *
 * <p>When etcd loses its data it counts revisions from 1 again, and servers refuse to resume
 * from a revision etcd has not reached ({@code INVALID_ARGUMENT} on {@code start_revision}). A
 * watch refused so for a revision it had received starts again from a snapshot, reported with
 * {@code reset} set, instead of stopping.
 *
 * <p>Thread-safe. Stream callbacks and reconnects may come from different threads; they are
 * serialised, so the listener sees one call at a time, in order.
 *
 * <p>Over 300 lines on purpose: resuming, snapshot chunks, the silence check and the lost-store
 * restart all read and move the same revision and generation under one lock; split across
 * classes, that lock and its invariant (the listener hears each change exactly once) would have
 * to be shared between them.
 */
public final class LeaseWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseWatch.class);

    /** Errors that mean the request itself is wrong: retrying cannot help. */
    private static final Set<Status.Code> FATAL = EnumSet.of(
            Status.Code.INVALID_ARGUMENT,
            Status.Code.OUT_OF_RANGE,
            Status.Code.UNIMPLEMENTED,
            Status.Code.PERMISSION_DENIED,
            Status.Code.UNAUTHENTICATED);

    /** Three of the server's default progress intervals (10 s) and a margin. */
    public static final Duration DEFAULT_PROGRESS_TIMEOUT = Duration.ofSeconds(35);

    private final WeftClient client;
    private final Scheduler scheduler;
    private final AutoCloseable ownedScheduler;
    private final Backoff backoff;
    private final LeaseWatchListener listener;
    private final Map<String, Lease> view = new TreeMap<>();
    /** What listeners read during an event: the view itself, not a copy per event. */
    private final Map<String, Lease> readOnlyView = Collections.unmodifiableMap(view);

    private final List<WatchLeasesResponse> snapshotChunks = new ArrayList<>();

    private long lastRevision;
    /** Keys of the events applied at lastRevision since the last snapshot. */
    private final Set<String> appliedAtLastRevision = new HashSet<>();

    private int generation;
    private int failures;
    private boolean started;
    private boolean closed;
    private final Duration progressTimeout;
    private WatchStreamObserver stream;
    private Cancellable reconnect = () -> {};
    private Cancellable silenceCheck = () -> {};
    private Instant lastHeard;
    private boolean heardFromServer;
    /** The next snapshot replaces a view the server could not resume (reported as a reset). */
    private boolean snapshotIsReset;

    private LeaseWatch(Builder builder) {
        this.client = builder.client;
        this.listener = builder.listener;
        this.backoff = builder.backoff;
        this.lastRevision = builder.startRevision;
        this.progressTimeout = builder.progressTimeout;
        this.scheduler =
                builder.scheduler != null ? builder.scheduler : ExecutorScheduler.singleThread("weft-lease-watch");
        this.ownedScheduler = builder.scheduler == null ? (AutoCloseable) this.scheduler : null;
    }

    public static Builder builder(WeftClient client, LeaseWatchListener listener) {
        return new Builder(client, listener);
    }

    /** The key of a lease in the view: {@link LeaseKey#of}. */
    public static String viewKey(Lease lease) {
        return LeaseKey.of(lease);
    }

    /** Opens the stream. Call once. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("the lease watch was already started");
        }
        started = true;
        open();
    }

    /** A copy of the current state: every known lease by {@link #viewKey}, in key order. */
    public synchronized Map<String, Lease> view() {
        return Collections.unmodifiableMap(new TreeMap<>(view));
    }

    /** The revision of the last snapshot or event seen (0 before any). */
    public synchronized long lastRevision() {
        return lastRevision;
    }

    /** Stops the stream and any pending reconnect; the listener hears nothing more. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            generation++;
            reconnect.cancel();
            silenceCheck.cancel();
            if (stream != null) {
                stream.cancel();
            }
        }
        if (ownedScheduler != null) {
            try {
                ownedScheduler.close();
            } catch (Exception e) {
                LOG.debug("closing the lease watch's scheduler", e);
            }
        }
    }

    private synchronized void open() {
        if (closed) {
            return;
        }
        int mine = ++generation;
        long after = resumeAfter();
        LOG.debug("watching leases after revision {}", after);
        lastHeard = scheduler.now();
        try {
            stream = client.openWatch(after, new Handler(mine));
        } catch (RuntimeException e) {
            // Thrown on the reconnect timer's thread it would be lost, and the watch dead for good.
            ended(mine, Status.fromThrowable(e).augmentDescription("opening the watch stream failed"));
            return;
        }
        checkSilenceIn(mine, progressTimeout);
    }

    private void checkSilenceIn(int streamGeneration, Duration delay) {
        if (!progressTimeout.isZero()) {
            silenceCheck = scheduler.schedule(delay, () -> checkSilence(streamGeneration));
        }
    }

    /** Replaces a stream that has said nothing for progressTimeout; otherwise checks again later. */
    private synchronized void checkSilence(int streamGeneration) {
        if (streamGeneration != generation || closed) {
            return;
        }
        Duration quiet = Duration.between(lastHeard, scheduler.now());
        if (quiet.compareTo(progressTimeout) < 0) {
            checkSilenceIn(streamGeneration, progressTimeout.minus(quiet));
            return;
        }
        WatchStreamObserver silent = stream;
        // Moves on first, so that the CANCELLED the abandoned stream reports is not taken as its end;
        // the reconnect this schedules runs under this lock, after the server is marked.
        ended(
                streamGeneration,
                Status.UNAVAILABLE.withDescription("the watch stream was silent for " + quiet.toMillis()
                        + " ms (no event and no progress message); treating it as dead"));
        silent.abandon();
    }

    /** The last revision, or the one before it when that revision's changes may be incomplete. */
    private long resumeAfter() {
        return appliedAtLastRevision.isEmpty() ? lastRevision : lastRevision - 1;
    }

    private synchronized void received(int streamGeneration, WatchLeasesResponse response) {
        if (streamGeneration != generation) {
            return;
        }
        failures = 0;
        heardFromServer = true;
        lastHeard = scheduler.now();
        switch (response.getType()) {
            case SNAPSHOT -> applySnapshot(response);
            case PROGRESS -> progressed(response.getRevision());
            case ADDED, MODIFIED -> {
                if (firstSight(response)) {
                    view.put(LeaseKey.of(response.getLease()), response.getLease());
                    notify(l -> l.onEvent(response, readOnlyView));
                }
            }
            case REMOVED -> {
                if (firstSight(response)) {
                    view.remove(LeaseKey.of(response.getLease()));
                    notify(l -> l.onEvent(response, readOnlyView));
                }
            }
            default -> LOG.warn("ignoring a watch response of unknown type {}", response.getType());
        }
        // A slow listener is this side's delay, not the server's silence.
        lastHeard = scheduler.now();
    }

    /**
     * Every change up to the revision has been delivered: the watch is current to it, and the
     * changes at lastRevision are complete, so a resume needs no step back.
     */
    private void progressed(long revision) {
        if (revision >= lastRevision && snapshotChunks.isEmpty()) {
            lastRevision = revision;
            appliedAtLastRevision.clear();
        }
    }

    /** Moves lastRevision to the event's; false for a repeat of a change already applied. */
    private boolean firstSight(WatchLeasesResponse event) {
        if (event.getRevision() < lastRevision) {
            return false;
        }
        if (event.getRevision() > lastRevision) {
            lastRevision = event.getRevision();
            appliedAtLastRevision.clear();
        }
        return appliedAtLastRevision.add(LeaseKey.of(event.getLease()));
    }

    /** Collects a snapshot's chunks (all but the last have {@code more} set), then applies them. */
    private void applySnapshot(WatchLeasesResponse chunk) {
        snapshotChunks.add(chunk);
        if (chunk.getMore()) {
            return;
        }
        view.clear();
        for (WatchLeasesResponse part : snapshotChunks) {
            for (Lease lease : part.getLeasesList()) {
                view.put(LeaseKey.of(lease), lease);
            }
        }
        snapshotChunks.clear();
        lastRevision = chunk.getRevision();
        appliedAtLastRevision.clear();
        Map<String, Lease> state = Collections.unmodifiableMap(new TreeMap<>(view));
        boolean reset = chunk.getReset() || snapshotIsReset;
        snapshotIsReset = false;
        notify(l -> l.onSnapshot(chunk.getRevision(), reset, state));
    }

    private synchronized void ended(int streamGeneration, Status status) {
        if (streamGeneration != generation || closed) {
            return;
        }
        generation++;
        silenceCheck.cancel();
        snapshotChunks.clear();
        if (storeStartedOver(status)) {
            // etcd lost its data and counts from 1 again (or the servers moved to another etcd):
            // resuming can never work, and stopping would leave the watch silent for good.
            LOG.warn(
                    "the servers' etcd is behind revision {} this watch has seen ({}); starting again "
                            + "from a snapshot",
                    lastRevision,
                    status.getDescription());
            lastRevision = 0;
            appliedAtLastRevision.clear();
            snapshotIsReset = true;
        } else if (FATAL.contains(status.getCode())) {
            LOG.warn("lease watch stopped: {}", status);
            notify(l -> l.onFailed(status));
            return;
        }
        failures++;
        Duration delay = backoff.delay(failures);
        LOG.info("lease watch broke ({}); resuming after revision {} in {}", status, resumeAfter(), delay);
        notify(l -> l.onDisconnected(status, delay));
        reconnect = scheduler.schedule(delay, this::open);
    }

    /**
     * The server refused a start revision the watch itself had received because etcd has not
     * reached it. A revision given by the caller at start-up stays a caller's error.
     */
    private boolean storeStartedOver(Status status) {
        return status.getCode() == Status.Code.INVALID_ARGUMENT
                && heardFromServer
                && lastRevision > 0
                && status.getDescription() != null
                && status.getDescription().startsWith("start_revision:")
                && status.getDescription().contains("ahead of etcd's current revision");
    }

    private void notify(Consumer<LeaseWatchListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("lease watch listener failed", e);
        }
    }

    /** Receives one stream; responses of a stream the watch has moved on from are dropped. */
    private final class Handler implements StreamObserver<WatchLeasesResponse> {

        private final int streamGeneration;

        Handler(int streamGeneration) {
            this.streamGeneration = streamGeneration;
        }

        @Override
        public void onNext(WatchLeasesResponse response) {
            received(streamGeneration, response);
        }

        @Override
        public void onError(Throwable t) {
            ended(streamGeneration, Status.fromThrowable(t));
        }

        @Override
        public void onCompleted() {
            ended(streamGeneration, Status.UNAVAILABLE.withDescription("the server ended the watch stream"));
        }
    }

    /** Settings of a {@link LeaseWatch}. */
    public static final class Builder {

        private final WeftClient client;
        private final LeaseWatchListener listener;
        private long startRevision;
        private Scheduler scheduler;
        private Backoff backoff = Backoff.defaults();
        private Duration progressTimeout = DEFAULT_PROGRESS_TIMEOUT;

        private Builder(WeftClient client, LeaseWatchListener listener) {
            this.client = Objects.requireNonNull(client, "client");
            this.listener = Objects.requireNonNull(listener, "listener");
        }

        /** Start after this revision instead of with a snapshot (0, the default). */
        public Builder startRevision(long startRevision) {
            if (startRevision < 0) {
                throw new IllegalArgumentException("startRevision must be >= 0, got " + startRevision);
            }
            this.startRevision = startRevision;
            return this;
        }

        /** The timer for reconnects; by default a thread of the watch's own, closed with it. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** The wait before each reconnect; reset once a stream delivers something. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        /**
         * How long a stream may stay silent (no event, no PROGRESS message) before the watch
         * treats it as dead and reconnects; keep it above 3 times the server's
         * --watch-progress-interval. {@link Duration#ZERO} turns the check off (servers older
         * than PROGRESS messages send nothing on an idle stream).
         */
        public Builder progressTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("progressTimeout must be >= 0, got " + timeout);
            }
            this.progressTimeout = timeout;
            return this;
        }

        public LeaseWatch build() {
            return new LeaseWatch(this);
        }
    }
}
