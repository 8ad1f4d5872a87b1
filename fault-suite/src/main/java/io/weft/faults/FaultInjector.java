package io.weft.faults;

import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.weft.etcd.EtcdCluster;
import io.weft.etcd.EtcdProcess;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Carries out one {@link Fault} against the live topology and puts things back afterwards: every
 * fault ends with all processes running again. Returns a line describing what it did.
 * Outage lengths are drawn from the run's seeded random.
 */
final class FaultInjector {

    private final EtcdCluster etcd;
    private final Client etcdClient;
    private final List<ServerReplica> replicas;
    private final List<RecordingWatcher> watchers;
    private final EtcdHistoryRecorder recorder;
    private final Duration electionTimeout;
    private final Random random;

    FaultInjector(
            EtcdCluster etcd,
            Client etcdClient,
            List<ServerReplica> replicas,
            List<RecordingWatcher> watchers,
            EtcdHistoryRecorder recorder,
            Duration electionTimeout,
            Random random) {
        this.etcd = etcd;
        this.etcdClient = etcdClient;
        this.replicas = replicas;
        this.watchers = watchers;
        this.recorder = recorder;
        this.electionTimeout = electionTimeout;
        this.random = random;
    }

    String inject(Fault fault) throws Exception {
        return switch (fault) {
            case KILL_SERVER -> killServer();
            case KILL_LEADER -> killLeader();
            case PAUSE_MEMBER -> pauseMember();
            case COMPACT -> compact();
            case RESTART_SERVER -> restartServer();
        };
    }

    private String killServer() throws Exception {
        ServerReplica replica = anyReplica();
        replica.kill();
        Duration down = between(1000, 4000);
        hold(down);
        replica.start();
        return "kill -9 " + replica.name() + ", down " + seconds(down) + ", restarted";
    }

    private String restartServer() throws Exception {
        ServerReplica replica = anyReplica();
        replica.stop();
        replica.start();
        return "SIGTERM " + replica.name() + " with watchers on it, restarted";
    }

    private String killLeader() throws Exception {
        int leader = currentLeader();
        EtcdProcess member = etcd.member(leader);
        member.kill();
        Duration down = between(1000, 4000);
        hold(down);
        member.restart();
        return "kill -9 etcd leader " + member.name() + ", down " + seconds(down) + ", restarted";
    }

    private String pauseMember() throws Exception {
        // Half the time the leader, so that the others must elect a new one while it is frozen.
        boolean leader = random.nextBoolean();
        int index = leader ? currentLeader() : random.nextInt(etcd.size());
        EtcdProcess member = etcd.member(index);
        Duration paused = electionTimeout.multipliedBy(2).plus(between(500, 2500));
        member.pause();
        try {
            hold(paused);
        } finally {
            member.resume();
        }
        return "SIGSTOP etcd " + member.name() + (leader ? " (leader)" : "") + " for " + seconds(paused) + ", SIGCONT";
    }

    /**
     * A replica freezes (SIGSTOP: its watchers and its own etcd watch fall behind, connections
     * open) and a third of the watchers stop reading; then etcd is compacted at the newest revision
     * the history recorder has seen (never past it, so the recorder's own watch can always resume)
     * and, a little later, everything resumes. The frozen replica finds its etcd watch compacted.
     */
    private String compact() throws Exception {
        ServerReplica replica = anyReplica();
        CountDownLatch resume = new CountDownLatch(1);
        int stalled = 0;
        for (int i = random.nextInt(3); i < watchers.size(); i += 3) {
            watchers.get(i).stallUntil(resume);
            stalled++;
        }
        replica.pause();
        try {
            hold(between(1000, 2000));
            long revision = recorder.lastRevision();
            etcdClient
                    .getKVClient()
                    .compact(
                            revision,
                            CompactOption.builder().withCompactPhysical(true).build())
                    .get(30, TimeUnit.SECONDS);
            hold(between(500, 1000));
            return "compacted at revision " + revision + " with " + replica.name() + " frozen and " + stalled
                    + " watchers stalled";
        } finally {
            replica.resume();
            resume.countDown();
        }
    }

    private int currentLeader() {
        return await().atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .until(etcd::findLeaderIndex, found -> found.isPresent())
                .getAsInt();
    }

    private ServerReplica anyReplica() {
        return replicas.get(random.nextInt(replicas.size()));
    }

    private Duration between(int minMillis, int maxMillis) {
        return Duration.ofMillis(minMillis + random.nextInt(maxMillis - minMillis));
    }

    /** The outage itself: the fault lasts this long while the workload carries on. */
    private static void hold(Duration outage) throws InterruptedException {
        Thread.sleep(outage);
    }

    private static String seconds(Duration duration) {
        return String.format("%.1f s", duration.toMillis() / 1000.0);
    }
}
