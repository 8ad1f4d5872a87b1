package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.AcquireLeaseResponse;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.etcd.testing.EtcdExtension;
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
 * One node, one lease, across replicas: every node asks three replicas at once, over plain gRPC
 * channels, and asks again (as a client does after a lost reply or a failover). Every answer a
 * node gets names the same subnet, etcd ends with one lease per node, and etcd's own history
 * never shows a node holding two leases at any revision.
 */
@Timeout(180)
class OneLeasePerNodeIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final int NODES = 40;
    private static final int ROUNDS = 2;

    @Test
    void aNodeAskingSeveralReplicasAtOnceAndAgainHoldsOneLease() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints());
                ExecutorService clients = Executors.newFixedThreadPool(3 * NODES)) {
            List<AllocatorServer> replicas = List.of(
                    fixture.startServer(Duration.ofHours(1)),
                    fixture.startServer(Duration.ofHours(1)),
                    fixture.startServer(Duration.ofHours(1)));
            fixture.setConfig(
                    replicas.getFirst(),
                    "{\"Network\":\"10.9.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}");
            List<LeaseServiceGrpc.LeaseServiceBlockingStub> stubs = new ArrayList<>();
            for (AllocatorServer replica : replicas) {
                ManagedChannel channel = fixture.channel(replica);
                stubs.add(LeaseServiceGrpc.newBlockingStub(channel));
            }

            Map<String, Set<String>> answers = new HashMap<>();
            for (int round = 0; round < ROUNDS; round++) {
                Map<String, List<CompletableFuture<AcquireLeaseResponse>>> calls = new HashMap<>();
                for (int i = 0; i < NODES; i++) {
                    String node = "node-" + i;
                    AcquireLeaseRequest request = AllocatorFixture.vxlanNode(node, "192.168.7." + (i + 1));
                    for (LeaseServiceGrpc.LeaseServiceBlockingStub stub : stubs) {
                        calls.computeIfAbsent(node, n -> new ArrayList<>())
                                .add(CompletableFuture.supplyAsync(
                                        () -> stub.withDeadlineAfter(60, TimeUnit.SECONDS)
                                                .acquireLease(request),
                                        clients));
                    }
                }
                for (var entry : calls.entrySet()) {
                    for (CompletableFuture<AcquireLeaseResponse> call : entry.getValue()) {
                        answers.computeIfAbsent(entry.getKey(), n -> new HashSet<>())
                                .add(answer(call));
                    }
                }
            }

            assertThat(answers).hasSize(NODES);
            answers.forEach((node, subnets) ->
                    assertThat(subnets).as("subnets answered to " + node).hasSize(1));
            Map<String, List<String>> stored = EtcdLeaseHistory.leasesByNode(fixture.etcdContents(), fixture.prefix);
            stored.forEach((node, keys) ->
                    assertThat(keys).as("lease keys of " + node + " in etcd").hasSize(1));
            assertThat(stored).hasSize(NODES);
            assertThat(EtcdLeaseHistory.read(fixture.etcd, fixture.prefix).revisionsWhereANodeHoldsTwoLeases())
                    .as("revisions at which one node held two leases")
                    .isEmpty();
        }
    }

    private static String answer(CompletableFuture<AcquireLeaseResponse> call) {
        try {
            return call.join().getLease().getSubnet();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                return "failed: " + status.getStatus();
            }
            throw e;
        }
    }
}
