package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.KeyValue;
import io.grpc.stub.StreamObserver;
import io.weft.allocator.compaction.EtcdCompactionLedger;
import io.weft.allocator.store.KeyLayout;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.etcd.testing.EtcdExtension;
import io.weft.etcd.testing.Etcdctl;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two replicas with a 1 s compaction interval over one real etcd, under a steady stream of
 * renewals: etcd's history stays bounded (old revisions read as compacted, again and again), the
 * replicas compact at most once per interval between them, and a plain gRPC watch stream and the
 * renewing nodes carry on through the compactions.
 */
@Timeout(180)
class EtcdCompactionIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Duration INTERVAL = Duration.ofSeconds(1);
    private static final int NODES = 10;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void twoReplicasKeepTheHistoryBoundedWhileRenewalsAndWatchesCarryOn() throws Exception {
        Etcdctl etcdctl = new Etcdctl(ETCD.endpoints());
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints());
                ExecutorService renewing = Executors.newSingleThreadExecutor()) {
            long startedNanos = System.nanoTime();
            AllocatorServer first = start(fixture, INTERVAL);
            AllocatorServer second = start(fixture, INTERVAL);
            fixture.setConfig(first, "{\"Network\":\"10.70.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");
            LeaseServiceGrpc.LeaseServiceBlockingStub viaFirst = fixture.leases(first);
            LeaseServiceGrpc.LeaseServiceBlockingStub viaSecond = fixture.leases(second);
            List<Lease> leases = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                leases.add(viaFirst.acquireLease(AllocatorFixture.vxlanNode("node-" + i, "192.0.2." + (i + 1)))
                        .getLease());
            }
            Stream watch = new Stream();
            LeaseServiceGrpc.newStub(fixture.channel(second))
                    .watchLeases(WatchLeasesRequest.getDefaultInstance(), watch);
            await().until(() -> !watch.received.isEmpty());
            long oldRevision = fixture.etcdRevision();
            String aLeaseKey =
                    fixture.prefix + "/subnets/" + leases.getFirst().getSubnet().replace('/', '-');

            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> renewalFailure = new AtomicReference<>();
            Future<Integer> renewals =
                    renewing.submit(() -> renewUntil(stop, leases, viaFirst, viaSecond, renewalFailure));

            // History before oldRevision disappears, and later revisions keep disappearing too.
            await().atMost(Duration.ofSeconds(60)).until(() -> compacted(etcdctl, aLeaseKey, oldRevision));
            long laterRevision = fixture.etcdRevision();
            await().atMost(Duration.ofSeconds(60)).until(() -> compacted(etcdctl, aLeaseKey, laterRevision));
            assertThatThrownBy(() -> etcdctl.run("get", "--rev=" + oldRevision, aLeaseKey))
                    .hasMessageContaining("required revision has been compacted");
            long compactions =
                    metric(first, "weft_etcd_compactions_total") + metric(second, "weft_etcd_compactions_total");
            assertThat(compactions).isGreaterThanOrEqualTo(2);

            // The watch stream on the second replica still delivers: a new node shows up on it.
            Lease late = viaFirst.acquireLease(AllocatorFixture.vxlanNode("node-late", "192.0.2.200"))
                    .getLease();
            await().atMost(Duration.ofSeconds(20)).until(() -> watch.sawAdded(late.getSubnet()));
            stop.set(true);
            int renewed = renewals.get(30, TimeUnit.SECONDS);
            assertThat(renewalFailure.get()).isNull();
            assertThat(watch.error.get()).isNull();
            assertThat(renewed).isGreaterThan(NODES);

            // At most one compaction round per interval across both replicas. The shared key's
            // version counts the rounds won; a replica's round starts one interval after its last
            // ended and a win needs the version seen then, so no slowness can raise these counts:
            // only a second compactor per interval could.
            long elapsedIntervals = (System.nanoTime() - startedNanos) / INTERVAL.toNanos();
            KeyValue ledger = fixture.etcd
                    .getKVClient()
                    .get(AllocatorFixture.bytes(EtcdCompactionLedger.keyOf(new KeyLayout(fixture.prefix))))
                    .get(10, TimeUnit.SECONDS)
                    .getKvs()
                    .getFirst();
            long finalCompactions =
                    metric(first, "weft_etcd_compactions_total") + metric(second, "weft_etcd_compactions_total");
            assertThat(ledger.getVersion()).isBetween(finalCompactions, elapsedIntervals + 1);
            assertThat(finalCompactions).isLessThanOrEqualTo(elapsedIntervals);

            // The shared key is weft's own: neither listed nor counted as garbage.
            for (AllocatorServer server : List.of(first, second)) {
                assertThat(metric(server, "weft_skipped_keys_total")).isZero();
            }
            assertThat(viaSecond
                            .listLeases(io.weft.api.v1.ListLeasesRequest.getDefaultInstance())
                            .getLeasesList())
                    .hasSize(NODES + 1);
        }
    }

    @Test
    void intervalZeroNeverCompacts() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = start(fixture, Duration.ZERO);
            fixture.setConfig(server, "{\"Network\":\"10.71.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}");

            assertThat(body(server)).doesNotContain("weft_etcd_compactions_total");
            assertThat(fixture.etcdContents())
                    .doesNotContainKey(EtcdCompactionLedger.keyOf(new KeyLayout(fixture.prefix)));
        }
    }

    private static int renewUntil(
            AtomicBoolean stop,
            List<Lease> leases,
            LeaseServiceGrpc.LeaseServiceBlockingStub viaFirst,
            LeaseServiceGrpc.LeaseServiceBlockingStub viaSecond,
            AtomicReference<Throwable> failure) {
        int renewed = 0;
        while (!stop.get()) {
            int node = renewed % leases.size();
            Lease lease = leases.get(node);
            try {
                // Each node keeps to one replica, as weft-node does until a failover.
                (node % 2 == 0 ? viaFirst : viaSecond)
                        .renewLease(RenewLeaseRequest.newBuilder()
                                .setSubnet(lease.getSubnet())
                                .setNodeName(lease.getNodeName())
                                .build());
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                return renewed;
            }
            renewed++;
        }
        return renewed;
    }

    private static boolean compacted(Etcdctl etcdctl, String key, long revision) {
        try {
            etcdctl.run("get", "--rev=" + revision, key);
            return false;
        } catch (IllegalStateException e) {
            assertThat(e).hasMessageContaining("required revision has been compacted");
            return true;
        }
    }

    private AllocatorServer start(AllocatorFixture fixture, Duration compactionInterval) throws Exception {
        AllocatorServer server = AllocatorServer.builder()
                .etcdEndpoints(fixture.endpoints)
                .etcdPrefix(fixture.prefix)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .httpListen(new InetSocketAddress("127.0.0.1", 0))
                .leaseTtl(Duration.ofMinutes(10))
                .reuseQuarantine(Duration.ZERO)
                .compactionInterval(compactionInterval)
                .start();
        fixture.adopt(server);
        return server;
    }

    private String body(AllocatorServer server) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.httpPort() + "/metrics"))
                .timeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private long metric(AllocatorServer server, String name) throws Exception {
        Matcher value = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(body(server));
        assertThat(value.find()).as("%s in /metrics", name).isTrue();
        return (long) Double.parseDouble(value.group(1));
    }

    /** A plain gRPC watch stream that records what it gets. */
    private static final class Stream implements StreamObserver<WatchLeasesResponse> {
        final List<WatchLeasesResponse> received = new CopyOnWriteArrayList<>();
        final AtomicReference<Throwable> error = new AtomicReference<>();

        boolean sawAdded(String subnet) {
            return received.stream()
                    .anyMatch(m -> m.getType() == WatchLeasesResponse.Type.ADDED
                            && m.getLease().getSubnet().equals(subnet));
        }

        @Override
        public void onNext(WatchLeasesResponse value) {
            received.add(value);
        }

        @Override
        public void onError(Throwable t) {
            error.set(t);
        }

        @Override
        public void onCompleted() {
            error.set(new IllegalStateException("the watch stream ended"));
        }
    }
}
