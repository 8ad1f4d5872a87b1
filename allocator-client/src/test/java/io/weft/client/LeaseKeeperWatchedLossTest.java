package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A keeper that hears from a watch that its own lease is gone (a REMOVED event, or a snapshot
 * without it: etcd was wiped) re-acquires at once, asking for the same subnet, instead of
 * waiting for its next renewal hours later.
 */
@Timeout(30)
class LeaseKeeperWatchedLossTest {

    private static final Duration TTL = Duration.ofHours(24);
    private static final AcquireLeaseRequest REQUEST = AcquireLeaseRequest.newBuilder()
            .setNodeName("node-a")
            .setPublicIp("192.0.2.10")
            .setBackendType("vxlan")
            .setPreviousSubnet("10.244.7.0/24")
            .build();

    private final ManualScheduler scheduler = new ManualScheduler(Instant.parse("2026-01-01T00:00:00Z"));
    private final FakeLeaseService server = new FakeLeaseService(scheduler::now, TTL);
    private final RecordingKeeperListener listener = new RecordingKeeperListener();
    private InProcessServer grpc;
    private WeftClient client;
    private LeaseKeeper keeper;

    @BeforeEach
    void setUp() {
        grpc = InProcessServer.start(server);
        client = WeftClient.builder()
                .channel(grpc.channel())
                .retryPolicy(RetryPolicy.none())
                .build();
        keeper = LeaseKeeper.builder(client, REQUEST)
                .scheduler(scheduler)
                .renewMargin(Duration.ofHours(1))
                .backoff(new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8), 0.0))
                .listener(listener)
                .build();
        keeper.start();
        scheduler.runDue();
        assertThat(keeper.currentLease()).isPresent();
    }

    @AfterEach
    void tearDown() {
        keeper.close();
        client.close();
        grpc.close();
    }

    @Test
    void aWatchedRemovalOfItsLeaseReacquiresTheSameSubnetAtOnce() {
        Lease held = keeper.currentLease().orElseThrow();
        server.forget("10.244.7.0/24");

        keeper.watchedRemoval(held);
        scheduler.runDue();

        assertThat(server.acquires).hasSize(2);
        assertThat(server.acquires.get(1).getPreviousSubnet()).isEqualTo("10.244.7.0/24");
        assertThat(server.lease("10.244.7.0/24").getNodeName()).isEqualTo("node-a");
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24", "renewed 10.244.7.0/24");
        assertThat(scheduler.pendingDelays()).as("one renewal chain, not two").hasSize(1);
    }

    @Test
    void aSnapshotWithoutItsLeaseReacquiresAtOnce() {
        server.forget("10.244.7.0/24");
        Lease other = Lease.newBuilder()
                .setSubnet("10.244.9.0/24")
                .setNodeName("node-b")
                .build();

        keeper.watchedSnapshot(List.of(other));
        scheduler.runDue();

        assertThat(server.acquires).hasSize(2);
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24", "renewed 10.244.7.0/24");
        assertThat(scheduler.pendingDelays()).hasSize(1);
    }

    @Test
    void aSnapshotHoldingItsLeaseChangesNothing() {
        keeper.watchedSnapshot(List.of(keeper.currentLease().orElseThrow()));
        scheduler.runDue();

        assertThat(server.acquires).hasSize(1);
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24");
    }

    @Test
    void anotherNodesRemovalChangesNothing() {
        keeper.watchedRemoval(Lease.newBuilder()
                .setSubnet("10.244.9.0/24")
                .setNodeName("node-b")
                .build());
        scheduler.runDue();

        assertThat(server.acquires).hasSize(1);
    }

    @Test
    void whenTheStoreIsNotBackYetItReportsTheLossAndKeepsTrying() {
        Lease held = keeper.currentLease().orElseThrow();
        server.forget("10.244.7.0/24");
        server.unavailable(true);

        keeper.watchedRemoval(held);
        scheduler.runDue();
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24", "lost 10.244.7.0/24 (NOT_FOUND)");

        server.unavailable(false);
        scheduler.advance(Duration.ofSeconds(1));
        assertThat(listener.events).last().isEqualTo("acquired 10.244.7.0/24");
        assertThat(server.acquires.getLast().getPreviousSubnet()).isEqualTo("10.244.7.0/24");
        assertThat(scheduler.pendingDelays()).hasSize(1);
    }
}
