package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Futures;
import com.google.common.util.concurrent.ListenableFuture;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.grpc.ManagedChannel;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.RenewLeaseRequest;
import io.weft.api.v1.RenewLeaseResponse;
import io.weft.etcd.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Replicas on one etcd, racing: no subnet is ever handed out twice, nor one node given two,
 * also when hundreds of calls are in flight on one connection per replica, so that each
 * replica's writes share etcd transactions and some of those fail a compare on the other's.
 */
@Timeout(180)
class ReplicaRaceIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final int NODES = 500;
    private static final int IN_FLIGHT_NODES = 600;

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

    @Test
    void threeReplicasWith600CallsInFlightOnOneConnectionEachGive600DistinctSubnets() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            List<AllocatorServer> replicas = List.of(
                    fixture.startServer(Duration.ofHours(1)),
                    fixture.startServer(Duration.ofHours(1)),
                    fixture.startServer(Duration.ofHours(1)));
            fixture.setConfig(
                    replicas.getFirst(),
                    "{\"Network\":\"10.12.0.0/14\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}");
            List<LeaseServiceGrpc.LeaseServiceFutureStub> stubs = replicas.stream()
                    .map(replica -> LeaseServiceGrpc.newFutureStub(fixture.channel(replica))
                            .withDeadlineAfter(120, TimeUnit.SECONDS))
                    .toList();

            List<ListenableFuture<AcquireLeaseResponse>> acquisitions = new ArrayList<>();
            for (int node = 0; node < IN_FLIGHT_NODES; node++) {
                acquisitions.add(stubs.get(node % stubs.size())
                        .acquireLease(AllocatorFixture.vxlanNode(
                                "node-" + node, "192.169." + (node / 250) + "." + (node % 250 + 1))));
            }
            List<AcquireLeaseResponse> acquired =
                    Futures.allAsList(acquisitions).get(150, TimeUnit.SECONDS);
            Set<String> subnets = new HashSet<>();
            acquired.forEach(response -> subnets.add(response.getLease().getSubnet()));
            assertThat(subnets).hasSize(IN_FLIGHT_NODES);

            // Every node renews at once, through the replica it acquired from.
            List<ListenableFuture<RenewLeaseResponse>> renewals = new ArrayList<>();
            for (int node = 0; node < IN_FLIGHT_NODES; node++) {
                renewals.add(stubs.get(node % stubs.size())
                        .renewLease(RenewLeaseRequest.newBuilder()
                                .setSubnet(acquired.get(node).getLease().getSubnet())
                                .setNodeName("node-" + node)
                                .build()));
            }
            List<RenewLeaseResponse> renewed = Futures.allAsList(renewals).get(150, TimeUnit.SECONDS);
            for (int node = 0; node < IN_FLIGHT_NODES; node++) {
                assertThat(renewed.get(node).getLease().getSubnet())
                        .isEqualTo(acquired.get(node).getLease().getSubnet());
            }

            List<KeyValue> leaseKeys = fixture.etcd
                    .getKVClient()
                    .get(
                            ByteSequence.from(fixture.prefix + "/subnets/", StandardCharsets.UTF_8),
                            GetOption.builder().isPrefix(true).build())
                    .get(10, TimeUnit.SECONDS)
                    .getKvs();
            assertThat(leaseKeys).hasSize(IN_FLIGHT_NODES);
            Set<String> storedSubnets = new HashSet<>();
            leaseKeys.forEach(kv -> {
                String key = kv.getKey().toString(StandardCharsets.UTF_8);
                storedSubnets.add(key.substring(key.lastIndexOf('/') + 1).replace('-', '/'));
            });
            assertThat(storedSubnets).isEqualTo(subnets);
            Map<String, String> claims = new HashMap<>();
            fixture.etcdContents().forEach((key, value) -> {
                if (key.startsWith(fixture.prefix + "/weft/nodes/")) {
                    claims.put(key, value);
                }
            });
            assertThat(claims).hasSize(IN_FLIGHT_NODES);
            assertThat(Set.copyOf(claims.values())).hasSize(IN_FLIGHT_NODES);
            // The renewals were written together: lease keys share revisions (else this proves little).
            long revisions = leaseKeys.stream()
                    .mapToLong(KeyValue::getModRevision)
                    .distinct()
                    .count();
            assertThat(revisions).isLessThan(IN_FLIGHT_NODES);
        }
    }
}
