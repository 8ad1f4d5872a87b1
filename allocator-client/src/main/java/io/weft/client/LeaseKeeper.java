package io.weft.client;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one node's lease: acquires it, renews it before it expires, and gets a new one when it is
 * lost, telling a {@link LeaseKeeperListener} what happened.
 *
 * <p>Renewal runs {@code renewMargin} before the lease's {@code expire_time}, but never later than
 * half-way through the time left, so short TTLs are renewed in time too. A failed call is retried
 * with {@link Backoff}. While the server cannot be reached the keeper keeps its lease and reports
 * it lost only once its {@code expire_time} has passed on the keeper's clock (clocks are assumed
 * roughly in sync, as flannel assumes). A renewal answered with {@code NOT_FOUND} or
 * {@code FAILED_PRECONDITION} means the lease is gone on the server: the keeper re-acquires at
 * once, asking for the same subnet back. Reservations (no expire time) are re-checked every
 * {@code reservationRecheck}, since deleting a reservation turns it into an expiring lease.
 *
 * <p>A node that also watches leases passes on what the watch shows ({@link #watchedRemoval},
 * {@link #watchedSnapshot}): when its own lease is gone without its asking (deleted, or etcd lost
 * and refilled), the keeper re-acquires at once, asking for the same subnet, instead of finding
 * out at its next renewal, up to a whole TTL later.
 *
 * <p>All work runs on the {@link Scheduler}; the calls block that scheduler's thread, so give the
 * keeper a scheduler of its own. {@link #currentLease()} and {@link #close()} are thread-safe.
 *
 * <p>Over 300 lines on purpose: acquiring, renewing, re-acquiring after a loss seen by a renewal
 * or by the watch, and re-checking reservations are one state machine over one held lease and one
 * pending timer; its builder is the rest.
 */
public final class LeaseKeeper implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

    /** Renewals are never scheduled closer together than this, whatever the clocks say. */
    static final Duration MIN_RENEW_DELAY = Duration.ofSeconds(1);

    private final WeftClient client;
    private final AcquireLeaseRequest request;
    private volatile boolean everHeld;
    private final Scheduler scheduler;
    private final AutoCloseable ownedScheduler;
    private final Duration renewMargin;
    private final Duration reservationRecheck;
    private final Backoff backoff;
    private final LeaseKeeperListener listener;

    private volatile Lease current;
    private volatile boolean closed;
    private volatile Cancellable pending = () -> {};
    private boolean started;
    private String previousSubnet;
    private String previousIpv6Subnet;
    private int failures;

    private LeaseKeeper(Builder builder) {
        this.client = builder.client;
        this.request = builder.request;
        this.scheduler =
                builder.scheduler != null ? builder.scheduler : ExecutorScheduler.singleThread("weft-lease-keeper");
        this.ownedScheduler = builder.scheduler == null ? (AutoCloseable) this.scheduler : null;
        this.renewMargin = builder.renewMargin;
        this.reservationRecheck = builder.reservationRecheck;
        this.backoff = builder.backoff;
        this.listener = builder.listener;
        this.previousSubnet = request.getPreviousSubnet();
        this.previousIpv6Subnet = request.getPreviousIpv6Subnet();
    }

    /**
     * A keeper that acquires with {@code request}; its {@code previous_subnet} fields, if set, are
     * asked for on the first acquire, later ones ask for the subnet last held.
     */
    public static Builder builder(WeftClient client, AcquireLeaseRequest request) {
        return new Builder(client, request);
    }

    /** Starts acquiring. Call once. */
    public synchronized void start() {
        if (started) {
            throw new IllegalStateException("the lease keeper was already started");
        }
        started = true;
        runAfter(Duration.ZERO, this::acquire);
    }

    /** The lease the node holds now, as last confirmed by the server. */
    public Optional<Lease> currentLease() {
        return Optional.ofNullable(current);
    }

    /**
     * A watch saw {@code removed} leave the store. When it is the lease held (same subnet and node
     * name), re-acquire now, asking for the same subnet. Any other lease is ignored. Thread-safe;
     * the work runs on the scheduler.
     */
    public void watchedRemoval(Lease removed) {
        checkSoon(held -> sameLease(held, removed), "was removed");
    }

    /**
     * A watch delivered a snapshot of every lease. When the lease held is not in it (etcd lost its
     * data, or the lease was deleted while the watch was away), re-acquire now, asking for the same
     * subnet. Thread-safe; the work runs on the scheduler.
     */
    public void watchedSnapshot(Collection<Lease> leases) {
        List<Lease> copy = List.copyOf(leases);
        checkSoon(held -> copy.stream().noneMatch(lease -> sameLease(held, lease)), "is missing from a snapshot");
    }

    /**
     * A {@link LeaseWatchListener} that passes REMOVED events to {@link #watchedRemoval} and
     * snapshots to {@link #watchedSnapshot}, for a node that watches leases anyway.
     */
    public LeaseWatchListener watchListener() {
        return new LeaseWatchListener() {
            @Override
            public void onSnapshot(long revision, boolean reset, Map<String, Lease> leases) {
                watchedSnapshot(leases.values());
            }

            @Override
            public void onEvent(WatchLeasesResponse event) {
                if (event.getType() == WatchLeasesResponse.Type.REMOVED) {
                    watchedRemoval(event.getLease());
                }
            }
        };
    }

    /**
     * Runs on the scheduler thread, so it never races the renewal chain; it replaces that chain.
     * Only the lease held when the watch spoke is judged: one acquired or renewed since then is
     * newer than what the watch saw.
     */
    private void checkSoon(Predicate<Lease> gone, String how) {
        synchronized (this) {
            Lease seen = current;
            if (closed || !started || seen == null) {
                return; // without a lease the chain is already acquiring
            }
            scheduler.schedule(
                    Duration.ZERO,
                    () -> runGuarded(() -> {
                        Lease held = current;
                        if (closed || held != seen || !gone.test(held)) {
                            return;
                        }
                        LOG.info("the watch shows that lease {} {}; acquiring it again now", LeaseKey.of(held), how);
                        pending.cancel();
                        reacquireAfterLoss(Status.NOT_FOUND.withDescription(
                                "lease " + LeaseKey.of(held) + " " + how + " on the server"));
                    }));
        }
    }

    /**
     * Stops renewing. The lease stays on the server until it expires, so a restarted node gets the
     * same subnet back (as with flanneld); release it with {@link WeftClient#release} to free it.
     */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            pending.cancel();
        }
        if (ownedScheduler != null) {
            try {
                ownedScheduler.close();
            } catch (Exception e) {
                LOG.debug("closing the lease keeper's scheduler", e);
            }
        }
    }

    private void acquire() {
        if (closed) {
            return;
        }
        Lease held;
        try {
            held = client.acquire(acquireRequest()).getLease();
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            notify(l -> l.onAttemptFailed(status));
            if (current != null && hasExpired(current)) {
                loseCurrent(status);
            }
            retryAfterFailure(this::acquire);
            return;
        }
        hold(held);
    }

    private void renew() {
        Lease lease = current;
        if (closed || lease == null) {
            return;
        }
        Lease renewed;
        try {
            renewed = client.renew(LeaseKey.of(lease), request);
        } catch (StatusRuntimeException e) {
            renewFailed(lease, e.getStatus());
            return;
        }
        hold(renewed);
    }

    private void renewFailed(Lease lease, Status status) {
        notify(l -> l.onAttemptFailed(status));
        Status.Code code = status.getCode();
        if (code == Status.Code.NOT_FOUND || code == Status.Code.FAILED_PRECONDITION) {
            LOG.info("lease {} is gone on the server ({}); acquiring again", LeaseKey.of(lease), status);
            reacquireAfterLoss(status);
        } else if (hasExpired(lease)) {
            loseCurrent(status);
            retryAfterFailure(this::acquire);
        } else {
            retryAfterFailure(this::renew);
        }
    }

    /** The server dropped our lease: try for a new one now, and report the loss if that fails. */
    private void reacquireAfterLoss(Status cause) {
        try {
            hold(client.acquire(acquireRequest()).getLease());
        } catch (StatusRuntimeException e) {
            notify(l -> l.onAttemptFailed(e.getStatus()));
            loseCurrent(cause);
            retryAfterFailure(this::acquire);
        }
    }

    private void hold(Lease lease) {
        Lease before = current;
        current = lease;
        everHeld = true;
        failures = 0;
        previousSubnet = lease.getSubnet();
        previousIpv6Subnet = lease.getIpv6Subnet();
        if (before == null) {
            notify(l -> l.onLeaseAcquired(lease));
        } else if (sameSubnets(before, lease)) {
            notify(l -> l.onLeaseRenewed(lease));
        } else {
            notify(l -> l.onLeaseChanged(before, lease));
        }
        runAfter(renewalDelay(lease), this::renew);
    }

    private void loseCurrent(Status cause) {
        Lease lost = current;
        current = null;
        if (lost != null) {
            notify(l -> l.onLeaseLost(lost, cause));
        }
    }

    /** Renew {@code renewMargin} before expiry, but no earlier than half-way through the time left. */
    Duration renewalDelay(Lease lease) {
        if (!lease.hasExpireTime()) {
            return reservationRecheck;
        }
        Duration left = Duration.between(scheduler.now(), expiry(lease));
        Duration beforeMargin = left.minus(renewMargin);
        Duration halfway = left.dividedBy(2);
        Duration delay = beforeMargin.compareTo(halfway) < 0 ? halfway : beforeMargin;
        return delay.compareTo(MIN_RENEW_DELAY) < 0 ? MIN_RENEW_DELAY : delay;
    }

    /** Back off, but wake no later than the held lease's expiry, to report a loss on time. */
    private void retryAfterFailure(Runnable task) {
        failures++;
        Duration delay = backoff.delay(failures);
        Lease lease = current;
        if (lease != null && lease.hasExpireTime()) {
            Duration untilExpiry = Duration.between(scheduler.now(), expiry(lease));
            if (untilExpiry.compareTo(delay) < 0) {
                delay = untilExpiry.isNegative() ? Duration.ZERO : untilExpiry;
            }
        }
        runAfter(delay, task);
    }

    private synchronized void runAfter(Duration delay, Runnable task) {
        if (!closed) {
            pending = scheduler.schedule(delay, () -> runGuarded(task));
        }
    }

    /** A bug in a task (or the listener) must not end the keeping: log it and try again later. */
    private void runGuarded(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            LOG.error("lease keeper task failed; retrying", e);
            retryAfterFailure(current == null ? this::acquire : this::renew);
        }
    }

    /**
     * The request with the subnets held last. A takeover is asked for only until a lease is held:
     * a host that then loses its lease to another host must not take it back.
     */
    private AcquireLeaseRequest acquireRequest() {
        return request.toBuilder()
                .setPreviousSubnet(previousSubnet)
                .setPreviousIpv6Subnet(previousIpv6Subnet)
                .setTakeover(request.getTakeover() && !everHeld)
                .build();
    }

    private boolean hasExpired(Lease lease) {
        return lease.hasExpireTime() && !scheduler.now().isBefore(expiry(lease));
    }

    private static Instant expiry(Lease lease) {
        return Instant.ofEpochSecond(
                lease.getExpireTime().getSeconds(), lease.getExpireTime().getNanos());
    }

    private static boolean sameLease(Lease held, Lease other) {
        return LeaseKey.of(held).equals(LeaseKey.of(other))
                && held.getNodeName().equals(other.getNodeName());
    }

    private static boolean sameSubnets(Lease a, Lease b) {
        return a.getSubnet().equals(b.getSubnet()) && a.getIpv6Subnet().equals(b.getIpv6Subnet());
    }

    private void notify(Consumer<LeaseKeeperListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            LOG.warn("lease keeper listener failed", e);
        }
    }

    /** Settings of a {@link LeaseKeeper}. */
    public static final class Builder {

        private final WeftClient client;
        private final AcquireLeaseRequest request;
        private Scheduler scheduler;
        private Duration renewMargin = Duration.ofHours(1);
        private Duration reservationRecheck = Duration.ofMinutes(5);
        private Backoff backoff = Backoff.defaults();
        private LeaseKeeperListener listener = new LeaseKeeperListener() {};

        private Builder(WeftClient client, AcquireLeaseRequest request) {
            this.client = Objects.requireNonNull(client, "client");
            this.request = Objects.requireNonNull(request, "request");
        }

        /** The clock and timer; by default a thread of the keeper's own, closed with it. */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** How long before expiry to renew (1 h by default, like flanneld). */
        public Builder renewMargin(Duration renewMargin) {
            this.renewMargin = requirePositive(renewMargin, "renewMargin");
            return this;
        }

        /** How often to re-check a reservation, which has no expiry (5 min by default). */
        public Builder reservationRecheck(Duration reservationRecheck) {
            this.reservationRecheck = requirePositive(reservationRecheck, "reservationRecheck");
            return this;
        }

        /** The wait between failed attempts. */
        public Builder backoff(Backoff backoff) {
            this.backoff = Objects.requireNonNull(backoff, "backoff");
            return this;
        }

        public Builder listener(LeaseKeeperListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public LeaseKeeper build() {
            return new LeaseKeeper(this);
        }

        private static Duration requirePositive(Duration duration, String name) {
            if (duration.isNegative() || duration.isZero()) {
                throw new IllegalArgumentException(name + " must be positive, got " + duration);
            }
            return duration;
        }
    }
}
