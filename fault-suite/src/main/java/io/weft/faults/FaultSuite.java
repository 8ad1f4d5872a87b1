package io.weft.faults;

import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.weft.allocator.store.KeyLayout;
import io.weft.client.ServerAddress;
import io.weft.client.WeftClient;
import io.weft.etcd.EtcdCluster;
import io.weft.etcd.RaftTiming;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One run: a 3-member etcd, two allocator replicas as processes, simulated nodes and watchers
 * ({@link Workload}); faults from a seeded {@link FaultPlan} until the time is up; then the nodes
 * stop, the watchers catch up and the {@link HistoryChecker} judges what was recorded.
 */
public final class FaultSuite {

    private static final int REPLICAS = 2;
    private static final int CLIENTS = 4;
    private static final Duration CLIENT_DEADLINE = Duration.ofSeconds(3);
    private static final RaftTiming ETCD_TIMING = RaftTiming.ETCD_DEFAULTS;
    /** The share of lease writes whose reply is lost after commit ({@link ReplyDropper}). */
    private static final double REPLY_LOSS = 0.02;

    private final FaultSuiteSettings settings;
    private final Consumer<String> progress;

    public FaultSuite(FaultSuiteSettings settings, Consumer<String> progress) {
        this.settings = settings;
        this.progress = progress;
    }

    public FaultSuiteResult run() throws Exception {
        Instant started = Instant.now();
        Random random = new Random(settings.seed());
        progress.accept("fault-suite: seed " + settings.seed() + ", " + settings.nodes() + " nodes, "
                + settings.watchers() + " watchers, lease TTL "
                + settings.leaseTtl().toSeconds() + " s, work dir "
                + settings.workDir());
        List<ServerReplica> replicas = new ArrayList<>();
        List<WeftClient> clients = new ArrayList<>();
        try (EtcdCluster etcd = EtcdCluster.builder(settings.workDir().resolve("etcd"))
                        .size(3)
                        .timing(ETCD_TIMING)
                        .start();
                Client etcdClient = Client.builder()
                        .endpoints(etcd.endpoints().toArray(String[]::new))
                        .build();
                EtcdHistoryRecorder recorder =
                        new EtcdHistoryRecorder(etcdClient, new KeyLayout(KeyLayout.DEFAULT_PREFIX))) {
            recorder.start();
            ReplicaLaunch launch = new ReplicaLaunch(settings.classpath());
            for (int i = 0; i < REPLICAS; i++) {
                ServerReplica replica = new ServerReplica(
                        "server-" + i, launch, etcd.endpoints(), settings.leaseTtl(), settings.workDir());
                replicas.add(replica);
                replica.start();
            }
            RunLog runLog = new RunLog();
            ReplyDropper dropper = new ReplyDropper(REPLY_LOSS, random.nextLong(), runLog);
            for (int i = 0; i < CLIENTS; i++) {
                List<ServerAddress> addresses = new ArrayList<>(
                        replicas.stream().map(ServerReplica::address).toList());
                if (i % 2 == 1) {
                    addresses = addresses.reversed();
                }
                clients.add(WeftClient.builder()
                        .addresses(addresses)
                        .channelFactory(dropper.channelFactory())
                        .deadline(CLIENT_DEADLINE)
                        .build());
            }
            clients.getFirst().setConfig(settings.networkConfigJson(), false);

            try (Workload workload = new Workload(settings, clients, runLog, new Random(random.nextLong()))) {
                workload.start();
                progress.accept("fault-suite: " + REPLICAS + " replicas and a 3-member etcd up, workload started");
                FaultPlan plan = new FaultPlan(random);
                FaultInjector injector = new FaultInjector(
                        etcd,
                        etcdClient,
                        replicas,
                        workload.watchers(),
                        recorder,
                        ETCD_TIMING.electionTimeout(),
                        random);
                injectFaults(plan, injector, runLog, workload, random, started);

                History history = finish(workload, runLog, recorder);
                HistoryChecker.Result check = HistoryChecker.check(history);
                progress.accept(HistoryStats.of(history).line());
                return new FaultSuiteResult(
                        runLog.operations(),
                        plan.injected(),
                        check,
                        runLog.losses(),
                        Duration.between(started, Instant.now()),
                        settings.seed());
            }
        } finally {
            clients.forEach(WeftClient::close);
            for (ServerReplica replica : replicas) {
                replica.close();
            }
        }
    }

    private void injectFaults(
            FaultPlan plan, FaultInjector injector, RunLog runLog, Workload workload, Random random, Instant started)
            throws Exception {
        Instant end = started.plus(settings.duration());
        ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("fault-suite-progress").daemon(true).factory());
        ticker.scheduleAtFixedRate(
                () -> progress.accept(String.format(
                        "fault-suite: [%d min] %d operations, %d faults, %d of %d nodes holding a lease, %d leases lost, "
                                + "%d failed attempts, %d replies dropped after commit",
                        Duration.between(started, Instant.now()).toMinutes(),
                        runLog.operations(),
                        plan.total(),
                        workload.nodesHolding(),
                        settings.nodes(),
                        runLog.losses(),
                        runLog.failedAttempts(),
                        runLog.droppedReplyCount())),
                60,
                60,
                TimeUnit.SECONDS);
        try {
            while (Instant.now().isBefore(end) || !plan.atRoundEnd() || !everyKindAtLeast(plan, settings.minRounds())) {
                Thread.sleep(2000 + random.nextInt(3000)); // quiet time between faults: the workload runs
                Fault fault = plan.next();
                Instant before = Instant.now();
                String what = injector.inject(fault);
                progress.accept(String.format(
                        "fault-suite: [%3d s] fault %d %s: %s (%.1f s)",
                        Duration.between(started, before).toSeconds(),
                        plan.total(),
                        fault.label(),
                        what,
                        Duration.between(before, Instant.now()).toMillis() / 1000.0));
            }
        } finally {
            ticker.shutdownNow();
        }
    }

    private static boolean everyKindAtLeast(FaultPlan plan, int times) {
        return plan.injected().values().stream().allMatch(n -> n >= times);
    }

    /**
     * Stops the nodes (waiting out calls in flight), reads etcd's final state, waits until the
     * recorder and every watcher have caught up with it, and collects the history.
     */
    private History finish(Workload workload, RunLog runLog, EtcdHistoryRecorder recorder) throws Exception {
        workload.stopNodes();
        EtcdHistoryRecorder.FinalState finalState = recorder.readLeases();
        // Taken after the read: an acknowledgement counts as unexpired at the read only if it
        // outlives this instant, so a lease that ran out during the read is never demanded.
        Instant readAt = Instant.now();
        progress.accept("fault-suite: nodes stopped at revision " + finalState.revision() + " with "
                + finalState.leases().size() + " leases; waiting for the watchers to catch up");
        awaitQuietly(Duration.ofSeconds(60), () -> recorder.reached(finalState.leases(), finalState.revision()));
        awaitQuietly(
                Duration.ofSeconds(120),
                () -> workload.watchers().stream()
                        .allMatch(watcher -> watcher.lastRevision() >= finalState.revision()));
        List<WatcherLog> watcherLogs =
                workload.watchers().stream().map(RecordingWatcher::log).toList();
        return new History(
                runLog.records(),
                recorder.changes(),
                recorder.complete(),
                watcherLogs,
                finalState.leases(),
                finalState.revision(),
                readAt,
                finalState.revision(),
                runLog.droppedReplies(),
                runLog.rounds());
    }

    /** Waits for the condition; if it never holds, the checker reports what is still wrong. */
    private static void awaitQuietly(Duration atMost, Callable<Boolean> condition) {
        try {
            await().atMost(atMost).pollInterval(Duration.ofMillis(200)).until(condition);
        } catch (ConditionTimeoutException e) {
            // not caught up: WATCHER_BEHIND or HISTORY_INCOMPLETE will say so
        }
    }
}
