package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.VxlanBackendData;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One address, one host, across replicas: three different nodes with one public IP (or one VTEP
 * MAC) ask three replicas at the same moment, over plain gRPC channels. Exactly one of them gets
 * a lease; the others are refused with FAILED_PRECONDITION naming it; and etcd's own history
 * never shows an address on two nodes' leases at any revision. Each replica's view alone cannot
 * promise that: the address must be claimed in etcd, in the lease's own transaction. The same
 * holds when one of the two uses a reservation (a lease with no etcd lease).
 */
@Timeout(180)
class OneHostPerAddressIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final int GROUPS = 30;

    @Test
    void nodesSharingAnAddressThroughSeveralReplicasAtOnceGetOneLease() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints());
                ExecutorService clients = Executors.newFixedThreadPool(3 * GROUPS)) {
            List<LeaseServiceGrpc.LeaseServiceBlockingStub> replicas = replicas(fixture);

            List<List<CompletableFuture<String>>> groups = new ArrayList<>();
            for (int group = 0; group < GROUPS; group++) {
                List<CompletableFuture<String>> answers = new ArrayList<>();
                for (int member = 0; member < 3; member++) {
                    AcquireLeaseRequest request = sharing(group, member);
                    LeaseServiceGrpc.LeaseServiceBlockingStub replica = replicas.get(member);
                    answers.add(CompletableFuture.supplyAsync(() -> answer(replica, request), clients));
                }
                groups.add(answers);
            }

            assertOneGrantedPerGroup(groups);
            assertThat(EtcdLeaseHistory.read(fixture.etcd, fixture.prefix).revisionsWhereAnAddressHasTwoNodes())
                    .as("revisions at which one address was on two nodes' leases")
                    .isEmpty();
        }
    }

    @Test
    void aReservedNodeAndAnotherNodeWithItsAddressThroughTwoReplicasAtOnceGetOneLease() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints());
                ExecutorService clients = Executors.newFixedThreadPool(2 * GROUPS)) {
            List<LeaseServiceGrpc.LeaseServiceBlockingStub> replicas = replicas(fixture);
            for (int group = 0; group < GROUPS; group++) {
                replicas.get(2)
                        .createReservation(CreateReservationRequest.newBuilder()
                                .setSubnet("10.13." + (100 + group) + ".0/24")
                                .setNodeName("reserved-" + group)
                                .build());
            }

            List<List<CompletableFuture<String>>> groups = new ArrayList<>();
            for (int group = 0; group < GROUPS; group++) {
                AcquireLeaseRequest holder =
                        AllocatorFixture.vxlanNode("reserved-" + group, "192.168.42." + (group + 1));
                AcquireLeaseRequest other = holder.toBuilder()
                        .setNodeName("other-" + group)
                        .setVxlan(holder.getVxlan().toBuilder().setVtepMac(String.format("0a:00:00:02:%02x:00", group)))
                        .build();
                groups.add(List.of(
                        CompletableFuture.supplyAsync(() -> answer(replicas.get(0), holder), clients),
                        CompletableFuture.supplyAsync(() -> answer(replicas.get(1), other), clients)));
            }

            assertOneGrantedPerGroup(groups);
            assertThat(EtcdLeaseHistory.read(fixture.etcd, fixture.prefix).revisionsWhereAnAddressHasTwoNodes())
                    .as("revisions at which one address was on two nodes' leases")
                    .isEmpty();
        }
    }

    /** Three replicas over one prefix with a vxlan network set. */
    private static List<LeaseServiceGrpc.LeaseServiceBlockingStub> replicas(AllocatorFixture fixture) throws Exception {
        List<LeaseServiceGrpc.LeaseServiceBlockingStub> replicas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            AllocatorServer server = fixture.startServer(Duration.ofHours(1));
            if (i == 0) {
                fixture.setConfig(
                        server, "{\"Network\":\"10.13.0.0/16\",\"SubnetLen\":24,\"Backend\":{\"Type\":\"vxlan\"}}");
            }
            replicas.add(LeaseServiceGrpc.newBlockingStub(fixture.channel(server)));
        }
        return replicas;
    }

    /** In every group exactly one node got a lease, and every other one was refused naming it. */
    private static void assertOneGrantedPerGroup(List<List<CompletableFuture<String>>> groups) {
        for (int group = 0; group < groups.size(); group++) {
            List<String> answers =
                    groups.get(group).stream().map(CompletableFuture::join).toList();
            List<String> granted =
                    answers.stream().filter(a -> a.startsWith("granted to ")).toList();
            assertThat(granted).as("group %d: %s", group, answers).hasSize(1);
            String winner = granted.getFirst().substring("granted to ".length());
            assertThat(answers)
                    .as("group %d", group)
                    .filteredOn(a -> !a.startsWith("granted"))
                    .hasSize(answers.size() - 1)
                    .allSatisfy(refusal -> assertThat(refusal)
                            .startsWith("FAILED_PRECONDITION")
                            .contains("\"" + winner + "\""));
        }
    }

    /** Even groups share a public IP (each its own MAC), odd groups a VTEP MAC (each its own IP). */
    private static AcquireLeaseRequest sharing(int group, int member) {
        boolean shareIp = group % 2 == 0;
        String ip = shareIp ? "192.168.40." + (group + 1) : "192.168.41." + (group * 3 + member + 1);
        String mac = shareIp
                ? String.format("0a:00:00:00:%02x:%02x", group, member)
                : String.format("0a:00:00:01:%02x:00", group);
        return AcquireLeaseRequest.newBuilder()
                .setNodeName("g" + group + "-m" + member)
                .setPublicIp(ip)
                .setBackendType("vxlan")
                .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac(mac))
                .build();
    }

    private static String answer(LeaseServiceGrpc.LeaseServiceBlockingStub replica, AcquireLeaseRequest request) {
        try {
            replica.withDeadlineAfter(60, TimeUnit.SECONDS).acquireLease(request);
            return "granted to " + request.getNodeName();
        } catch (StatusRuntimeException e) {
            Status status = e.getStatus();
            return status.getCode() + ": " + status.getDescription();
        }
    }
}
