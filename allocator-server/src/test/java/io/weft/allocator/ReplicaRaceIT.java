package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two replicas on one etcd, racing: no subnet is ever handed out twice. */
@Timeout(180)
class ReplicaRaceIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final int NODES = 500;

    @Test
    void twoReplicasRacing500AcquisitionsGive500DistinctSubnets() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints());
                ExecutorService clients = Executors.newFixedThreadPool(32)) {
            AllocatorServer first = fixture.startServer(Duration.ofHours(1));
            AllocatorServer second = fixture.startServer(Duration.ofHours(1));
            // A small space (1022 subnets) makes both replicas draw from the same few free subnets.
            fixture.setConfig(first, "{\"Network\":\"10.8.0.0/14\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}");
            List<ManagedChannel> channels = List.of(fixture.channel(first), fixture.channel(second));

            List<CompletableFuture<AcquireLeaseResponse>> acquisitions = new ArrayList<>();
            for (int i = 0; i < NODES; i++) {
                int node = i;
                LeaseServiceGrpc.LeaseServiceBlockingStub stub = LeaseServiceGrpc.newBlockingStub(channels.get(i % 2));
                acquisitions.add(CompletableFuture.supplyAsync(
                        () -> stub.acquireLease(AllocatorFixture.vxlanNode(
                                "node-" + node, "192.168." + (node / 250) + "." + (node % 250 + 1))),
                        clients));
            }
            Set<String> subnets = new HashSet<>();
            for (CompletableFuture<AcquireLeaseResponse> acquisition : acquisitions) {
                subnets.add(acquisition.join().getLease().getSubnet());
            }
            assertThat(subnets).hasSize(NODES);

            Map<String, String> stored = fixture.etcdContents();
            long leaseKeys = stored.keySet().stream()
                    .filter(k -> k.startsWith(fixture.prefix + "/subnets/"))
                    .count();
            assertThat(leaseKeys).isEqualTo(NODES);
            Set<String> storedSubnets = new HashSet<>();
            stored.keySet().stream()
                    .filter(k -> k.startsWith(fixture.prefix + "/subnets/"))
                    .map(k -> k.substring(k.lastIndexOf('/') + 1).replace('-', '/'))
                    .forEach(storedSubnets::add);
            assertThat(storedSubnets).isEqualTo(subnets);
        }
    }
}
