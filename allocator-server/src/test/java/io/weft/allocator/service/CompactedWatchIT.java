package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.StreamObserver;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.allocator.store.AddressFences;
import io.weft.allocator.store.EtcdLeaseStore;
import io.weft.allocator.store.EtcdRequestObserver;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.WriteOutcome;
import io.weft.api.v1.Lease;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.config.IpPrefix;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server's one etcd watch falls behind a compaction (here: it is held back, then resumes
 * from a revision etcd has compacted away). The server must list again and give every gRPC
 * watcher a reset snapshot that includes what the stale watch never delivered.
 */
@Timeout(60)
class CompactedWatchIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Test
    void aCompactedServerWatchResetsEveryWatcherWithTheCurrentState() throws Exception {
        KeyLayout layout = new KeyLayout("/compacted-watch/network");
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Client client = Client.builder()
                        .endpoints(ETCD.endpoints().toArray(String[]::new))
                        .build();
                LeaseStore etcd = new EtcdLeaseStore(client, layout, EtcdRequestObserver.NONE)) {
            etcd.putConfig("{\"Network\":\"10.20.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}")
                    .get(10, TimeUnit.SECONDS);
            put(etcd, "10.20.1.0/24", "192.168.0.1");
            HeldBackWatchStore store = new HeldBackWatchStore(etcd);
            LeaseServices services = new LeaseServices(
                    store,
                    InstantSource.system(),
                    Duration.ofHours(1),
                    Duration.ZERO,
                    new SimpleMeterRegistry(),
                    scheduler);
            services.start().get(10, TimeUnit.SECONDS);
            String name = InProcessServerBuilder.generateName();
            InProcessServerBuilder builder = InProcessServerBuilder.forName(name);
            services.grpcServices().forEach(builder::addService);
            Server server = builder.build().start();
            ManagedChannel channel = InProcessChannelBuilder.forName(name).build();
            try {
                List<WatchLeasesResponse> received = new CopyOnWriteArrayList<>();
                LeaseServiceGrpc.newStub(channel)
                        .watchLeases(WatchLeasesRequest.getDefaultInstance(), recorder(received));
                await().until(() -> !received.isEmpty());
                assertThat(received.getFirst().getLeasesList())
                        .extracting(Lease::getSubnet)
                        .containsExactly("10.20.1.0/24");

                // Two writes, then a compaction past the first: the held watch starts before it.
                put(etcd, "10.20.2.0/24", "192.168.0.2");
                put(etcd, "10.20.3.0/24", "192.168.0.3");
                long now = client.getKVClient()
                        .get(ByteSequence.from(layout.configKey(), java.nio.charset.StandardCharsets.UTF_8))
                        .get()
                        .getHeader()
                        .getRevision();
                client.getKVClient().compact(now, CompactOption.DEFAULT).get(10, TimeUnit.SECONDS);
                store.releaseHeldWatch();

                await().atMost(Duration.ofSeconds(20))
                        .until(() -> received.stream()
                                .anyMatch(m -> m.getType() == WatchLeasesResponse.Type.SNAPSHOT && m.getReset()));
                WatchLeasesResponse reset = received.stream()
                        .filter(m -> m.getType() == WatchLeasesResponse.Type.SNAPSHOT && m.getReset())
                        .findFirst()
                        .orElseThrow();
                assertThat(reset.getLeasesList())
                        .extracting(Lease::getSubnet)
                        .containsExactly("10.20.1.0/24", "10.20.2.0/24", "10.20.3.0/24");
                assertThat(reset.getRevision()).isGreaterThanOrEqualTo(now);
            } finally {
                channel.shutdownNow();
                server.shutdownNow();
                services.close();
                scheduler.shutdownNow();
            }
        }
    }

    private static void put(LeaseStore store, String subnet, String publicIp) throws Exception {
        WriteOutcome created = store.compareAndPut(
                        SubnetKey.ipv4Only(IpPrefix.parse(subnet)),
                        new LeaseValue(publicIp, "", "host-gw", null, null, "node-" + publicIp),
                        0,
                        0,
                        AddressFences.NONE)
                .get(10, TimeUnit.SECONDS);
        assertThat(created).isInstanceOf(WriteOutcome.Written.class);
    }

    private static StreamObserver<WatchLeasesResponse> recorder(List<WatchLeasesResponse> received) {
        return new StreamObserver<>() {
            @Override
            public void onNext(WatchLeasesResponse value) {
                received.add(value);
            }

            @Override
            public void onError(Throwable t) {}

            @Override
            public void onCompleted() {}
        };
    }
}
