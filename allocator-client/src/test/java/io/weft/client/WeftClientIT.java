package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.CreateReservationRequest;
import io.weft.api.v1.Lease;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WeftClient, LeaseWatch and LeaseKeeper against a real allocator-server and etcd. */
@Timeout(120)
class WeftClientIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    static final String HOST_GW_CONFIG = "{\"Network\":\"10.244.0.0/16\",\"Backend\":{\"Type\":\"host-gw\"}}";

    private LiveAllocator allocator;
    private WeftClient client;

    @BeforeEach
    void startServer() throws Exception {
        allocator = LiveAllocator.start(ETCD.endpoints(), Duration.ofHours(1));
        client = WeftClient.connect(List.of(allocator.address()));
    }

    @AfterEach
    void stopServer() {
        client.close();
        allocator.close();
    }

    static AcquireLeaseRequest hostGwNode(String name, String publicIp) {
        return AcquireLeaseRequest.newBuilder()
                .setNodeName(name)
                .setPublicIp(publicIp)
                .setBackendType("host-gw")
                .build();
    }

    @Test
    void acquiresListsWatchesAndReleases() {
        client.setConfig(HOST_GW_CONFIG, false);
        List<WatchLeasesResponse> events = new CopyOnWriteArrayList<>();
        try (LeaseWatch watch = LeaseWatch.builder(client, new LeaseWatchListener() {
                    @Override
                    public void onEvent(WatchLeasesResponse event) {
                        events.add(event);
                    }
                })
                .build()) {
            watch.start();
            await().until(() -> watch.lastRevision() > 0);

            Lease a = client.acquire(hostGwNode("node-a", "192.0.2.1")).getLease();
            Lease b = client.acquireAsync(hostGwNode("node-b", "192.0.2.2"))
                    .join()
                    .getLease();

            assertThat(a.getSubnet()).isNotEqualTo(b.getSubnet()).startsWith("10.244.");
            assertThat(client.listLeases().getLeasesList())
                    .extracting(Lease::getNodeName)
                    .containsExactlyInAnyOrder("node-a", "node-b");
            await().until(() -> watch.view().keySet().equals(Set.of(a.getSubnet(), b.getSubnet())));

            long revision = client.release(a.getSubnet(), "node-a");

            assertThat(revision).isPositive();
            await().until(() -> !watch.view().containsKey(a.getSubnet()));
            assertThat(events).last().satisfies(removed -> {
                assertThat(removed.getType()).isEqualTo(WatchLeasesResponse.Type.REMOVED);
                assertThat(removed.getLease().getSubnet()).isEqualTo(a.getSubnet());
                assertThat(removed.getReason()).isEqualTo("released");
            });
            assertThat(client.getLeaseByNode("node-b").getSubnet()).isEqualTo(b.getSubnet());
            assertThatThrownBy(() -> client.getLeaseBySubnet(a.getSubnet()))
                    .isInstanceOfSatisfying(
                            StatusRuntimeException.class,
                            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
        }
    }

    @Test
    void acquireIsIdempotentPerNodeAndRenewExtendsTheLease() {
        client.setConfig(HOST_GW_CONFIG, false);

        Lease first = client.acquire(hostGwNode("node-a", "192.0.2.1")).getLease();
        Lease again = client.acquire(hostGwNode("node-a", "192.0.2.1")).getLease();
        Lease renewed = client.renew(first.getSubnet(), "node-a");

        assertThat(again.getSubnet()).isEqualTo(first.getSubnet());
        assertThat(renewed.getExpireTime().getSeconds())
                .isGreaterThanOrEqualTo(first.getExpireTime().getSeconds());
    }

    @Test
    void reservationsRoundTrip() {
        client.setConfig(HOST_GW_CONFIG, false);

        Lease reserved = client.createReservation(CreateReservationRequest.newBuilder()
                .setSubnet("10.244.77.0/24")
                .setNodeName("node-r")
                .build());
        Lease acquired = client.acquire(hostGwNode("node-r", "192.0.2.7")).getLease();

        assertThat(reserved.getReserved()).isTrue();
        assertThat(acquired.getSubnet()).isEqualTo("10.244.77.0/24");
        assertThat(client.getUsage().getFamiliesList())
                .singleElement()
                .satisfies(usage -> assertThat(usage.getReserved()).isEqualTo(1));
        client.deleteReservation("10.244.77.0/24");
        assertThat(client.getLeaseBySubnet("10.244.77.0/24").getReserved()).isFalse();
    }

    @Test
    void serverErrorsArriveAsTheirStatus() {
        assertThatThrownBy(() -> client.getConfig())
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
        assertThatThrownBy(() -> client.setConfig("{\"Network\":\"10.0.0.1/33\"}", false))
                .isInstanceOfSatisfying(
                        StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT));
    }

    @Test
    void leaseKeeperRenewsOnTheRealServer() throws Exception {
        client.setConfig(HOST_GW_CONFIG, false);
        allocator.close();
        allocator = LiveAllocator.start(ETCD.endpoints(), Duration.ofSeconds(6));
        client.close();
        client = WeftClient.connect(List.of(allocator.address()));
        client.setConfig(HOST_GW_CONFIG, false);
        RecordingKeeperListener listener = new RecordingKeeperListener();

        try (LeaseKeeper keeper = LeaseKeeper.builder(client, hostGwNode("node-k", "192.0.2.9"))
                .listener(listener)
                .build()) {
            keeper.start();

            await().atMost(Duration.ofSeconds(30))
                    .until(() -> listener.events.stream()
                                    .filter(e -> e.startsWith("renewed"))
                                    .count()
                            >= 2);
            String subnet = keeper.currentLease().orElseThrow().getSubnet();
            assertThat(listener.events).first().isEqualTo("acquired " + subnet);
            assertThat(listener.events).allMatch(e -> e.endsWith(subnet));
            assertThat(client.getLeaseByNode("node-k").getSubnet()).isEqualTo(subnet);
        }
    }
}
