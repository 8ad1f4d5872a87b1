package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weft.allocator.AllocatorServer;
import io.weft.api.v1.Lease;
import io.weft.etcd.testing.EtcdExtension;
import io.weft.etcd.testing.Etcdctl;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LeaseWatch and renewing nodes while two replicas compact etcd every second: the watch keeps
 * its view through the compactions and through a failover to the other replica from a revision
 * etcd has compacted away, and no renewal fails.
 */
@Timeout(120)
class LeaseWatchCompactionIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final String PREFIX = "/weft-client-compaction/network";
    private static final Backoff QUICK = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.0);

    @Test
    void aWatchFailingOverAcrossACompactionKeepsItsViewWhileNodesRenew() throws Exception {
        List<AllocatorServer> servers = new ArrayList<>();
        try (ExecutorService renewing = Executors.newSingleThreadExecutor()) {
            servers.add(start());
            servers.add(start());
            ServerAddress first = new ServerAddress("127.0.0.1", servers.get(0).grpcPort());
            ServerAddress second = new ServerAddress("127.0.0.1", servers.get(1).grpcPort());
            try (WeftClient watching = WeftClient.connect(List.of(first, second));
                    WeftClient nodes = WeftClient.connect(List.of(second))) {
                nodes.setConfig(WeftClientIT.HOST_GW_CONFIG, false);
                List<Lease> leases = new ArrayList<>();
                for (int i = 0; i < 5; i++) {
                    leases.add(nodes.acquire(WeftClientIT.hostGwNode("node-" + i, "192.0.2." + (i + 1)))
                            .getLease());
                }
                RecordingWatchListener listener = new RecordingWatchListener();
                try (LeaseWatch watch =
                        LeaseWatch.builder(watching, listener).backoff(QUICK).build()) {
                    watch.start();
                    await().until(() -> watch.view().size() == leases.size());
                    long watched = watch.lastRevision();
                    AtomicBoolean stop = new AtomicBoolean();
                    Future<Integer> renewals = renewing.submit(() -> {
                        int renewed = 0;
                        while (!stop.get()) {
                            Lease lease = leases.get(renewed % leases.size());
                            nodes.renew(lease.getSubnet(), lease.getNodeName());
                            renewed++;
                        }
                        return renewed;
                    });

                    Etcdctl etcdctl = new Etcdctl(ETCD.endpoints());
                    await().atMost(Duration.ofSeconds(60)).until(() -> compacted(etcdctl, watched));
                    servers.removeFirst().close();
                    Lease late = nodes.acquire(WeftClientIT.hostGwNode("node-late", "192.0.2.100"))
                            .getLease();

                    await().atMost(Duration.ofSeconds(30))
                            .until(() -> watch.view().containsKey(late.getSubnet()));
                    stop.set(true);
                    assertThat(renewals.get(30, TimeUnit.SECONDS)).isGreaterThan(leases.size());
                    assertThat(watch.view()).hasSize(leases.size() + 1);
                    assertThat(listener.events).noneMatch(e -> e.startsWith("failed"));
                }
            }
        } finally {
            servers.forEach(AllocatorServer::close);
        }
    }

    private static boolean compacted(Etcdctl etcdctl, long revision) {
        try {
            etcdctl.run("get", "--rev=" + revision, PREFIX + "/config");
            return false;
        } catch (IllegalStateException e) {
            assertThat(e).hasMessageContaining("required revision has been compacted");
            return true;
        }
    }

    private static AllocatorServer start() throws Exception {
        return AllocatorServer.builder()
                .etcdEndpoints(ETCD.endpoints())
                .etcdPrefix(PREFIX)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .leaseTtl(Duration.ofMinutes(10))
                .compactionInterval(Duration.ofSeconds(1))
                .start();
    }
}
