package io.weft.allocator.service;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.alloc.SubnetAllocator;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.IpPrefix;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lease service's parts wired together over one store: the index, its follower (the one
 * etcd watch), the watch hub, and the two gRPC services.
 */
public final class LeaseServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseServices.class);

    /** Acquisitions and renewals per node name per minute, by default: far above a healthy node's. */
    public static final int NODE_RATE_LIMIT = 600;

    /** Recent watch events kept for clients that resume. */
    static final int WATCH_HISTORY = 10_000;

    /**
     * Changes of any key under the prefix (leases, claims, config) one read of etcd's history
     * for resuming watchers may hold; only the lease changes among them stay, in the history.
     */
    static final int WATCH_REPLAY_MAX_CHANGES = 4 * WATCH_HISTORY;

    private final LeaseIndex index;
    private final StoreFollower follower;
    private final LeaseGrpcService leaseService;
    private final NetworkGrpcService networkService;
    private final CallMetricsInterceptor callMetrics;
    private final WatchHub hub;
    private final LeaseEventLog events;
    private final WatchSettings watchSettings;
    private final ScheduledExecutorService scheduler;
    /**
     * Runs the watch streams' work (sending, snapshots), which never blocks: a few long-lived
     * Netty threads, so each keeps its buffer cache (a thread per task would build a fresh one for
     * every message sent).
     */
    private final ExecutorService streamWork = Executors.newFixedThreadPool(
            Math.max(2, Runtime.getRuntime().availableProcessors()),
            new DefaultThreadFactory("weft-watch-streams", true));

    private volatile ScheduledFuture<?> progressTicks;

    public LeaseServices(
            LeaseStore store,
            InstantSource clock,
            Duration ttl,
            Duration reuseQuarantine,
            MeterRegistry registry,
            ScheduledExecutorService scheduler) {
        this(store, clock, ttl, reuseQuarantine, WatchSettings.DEFAULTS, NODE_RATE_LIMIT, registry, scheduler);
    }

    /**
     * @param nodeRateLimit acquisitions and renewals per node name per minute (in bursts of as
     *                      many); 0 for no limit
     */
    public LeaseServices(
            LeaseStore store,
            InstantSource clock,
            Duration ttl,
            Duration reuseQuarantine,
            WatchSettings watchSettings,
            int nodeRateLimit,
            MeterRegistry registry,
            ScheduledExecutorService scheduler) {
        this.watchSettings = watchSettings;
        this.scheduler = scheduler;
        this.index = new LeaseIndex(reuseQuarantine);
        ExpiryTracker expiries = new ExpiryTracker();
        this.events = new LeaseEventLog(registry);
        LeaseMessages messages = new LeaseMessages(expiries);
        this.hub = new WatchHub(WATCH_HISTORY, messages, registry);
        this.follower = new StoreFollower(store, index, hub, events, clock, scheduler);
        LeaseBuckets buckets = new LeaseBuckets(store, clock, ttl);
        LeaseOperations leases = new LeaseOperations(
                store,
                index,
                new SubnetAllocator(new SecureRandom()),
                expiries,
                clock,
                buckets,
                events,
                new NodeRateLimiter(nodeRateLimit, clock));
        ReservationOperations reservations = new ReservationOperations(store, index, expiries, clock, buckets);
        LeaseQueries queries = new LeaseQueries(index, follower::synced, store, expiries, clock);
        this.leaseService = new LeaseGrpcService(
                queries,
                leases,
                reservations,
                messages,
                new WatchStreams(
                        hub,
                        new HistoryReplay(
                                hub, store, messages, WATCH_REPLAY_MAX_CHANGES, watchSettings.replayFromEtcd()),
                        store,
                        watchSettings,
                        streamWork,
                        follower::synced));
        this.networkService = new NetworkGrpcService(index, store, follower::synced);
        this.callMetrics = new CallMetricsInterceptor(registry);
        registerGauges(registry);
    }

    /** Loads etcd's state and starts the watch; completes once the first snapshot is loaded. */
    public CompletableFuture<Void> start() {
        long every = watchSettings.progressInterval().toMillis();
        progressTicks = scheduler.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
        return follower.start();
    }

    /** One progress round; never throws, since a periodic task that throws is never run again. */
    private void tick() {
        try {
            hub.tick();
        } catch (RuntimeException e) {
            LOG.error("sending watch progress failed", e);
        }
    }

    public boolean ready() {
        return follower.synced();
    }

    /** The watch fan-out, for readers of the lease set besides gRPC watchers (the lease map). */
    public WatchHub watchHub() {
        return hub;
    }

    /** The in-memory view of etcd: read it, never change it from outside the service. */
    public LeaseIndex index() {
        return index;
    }

    /** How this server chose a lease's subnet, when it wrote it (see {@link LeaseEventLog#howChosen}). */
    public Optional<String> howChosen(SubnetKey subnet) {
        return events.howChosen(subnet);
    }

    public List<BindableService> grpcServices() {
        BindableService leases =
                () -> WatchLeasesBinding.rebind(leaseService.bindService(), leaseService::watchEncoded);
        return List.of(leases, networkService);
    }

    public ServerInterceptor callMetrics() {
        return callMetrics;
    }

    /**
     * The node name holding the lease on a subnet given as CIDR text ("" for a flanneld lease);
     * empty when no lease holds it or the text is no subnet (the service then says why).
     */
    public Optional<String> holderOf(String subnet) {
        try {
            return index.bySubnet(IpPrefix.parse(subnet)).map(StoredLease::nodeName);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private void registerGauges(MeterRegistry registry) {
        Gauge.builder(
                        "weft_leases",
                        index,
                        i -> i.all().stream().filter(l -> !l.reserved()).count())
                .tag("state", "leased")
                .description("Lease keys under the prefix, by state")
                .register(registry);
        Gauge.builder(
                        "weft_leases",
                        index,
                        i -> i.all().stream().filter(StoredLease::reserved).count())
                .tag("state", "reserved")
                .register(registry);
        for (boolean ipv6 : new boolean[] {false, true}) {
            String family = ipv6 ? "ipv6" : "ipv4";
            Gauge.builder(
                            "weft_subnet_capacity",
                            index,
                            i -> i.usage(ipv6).map(LeaseIndex.Usage::capacity).orElse(0L))
                    .tag("family", family)
                    .description("Subnets between SubnetMin and SubnetMax")
                    .register(registry);
            Map<String, ToLongFunction<LeaseIndex.Usage>> states = Map.of(
                    "leased",
                    LeaseIndex.Usage::leased,
                    "reserved",
                    LeaseIndex.Usage::reserved,
                    "free",
                    LeaseIndex.Usage::free);
            states.forEach((state, count) -> Gauge.builder(
                            "weft_subnets",
                            index,
                            i -> i.usage(ipv6).map(count::applyAsLong).orElse(0L))
                    .tag("family", family)
                    .tag("state", state)
                    .description("Subnets between SubnetMin and SubnetMax, by family and state")
                    .register(registry));
        }
    }

    @Override
    public void close() {
        ScheduledFuture<?> ticks = progressTicks;
        if (ticks != null) {
            ticks.cancel(false);
        }
        follower.close();
        streamWork.shutdown();
    }
}
