package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** LeaseKeeper's renew schedule, back-off and re-acquire logic, on a manual clock. */
@Timeout(30)
class LeaseKeeperTest {

    private static final Duration TTL = Duration.ofMinutes(10);
    private static final Duration MARGIN = Duration.ofMinutes(1);
    private static final Backoff BACKOFF = new Backoff(Duration.ofSeconds(1), 2.0, Duration.ofSeconds(8), 0.0);
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
        keeper = keeper(MARGIN);
    }

    @AfterEach
    void tearDown() {
        keeper.close();
        client.close();
        grpc.close();
    }

    private LeaseKeeper keeper(Duration margin) {
        return LeaseKeeper.builder(client, REQUEST)
                .scheduler(scheduler)
                .renewMargin(margin)
                .reservationRecheck(Duration.ofMinutes(5))
                .backoff(BACKOFF)
                .listener(listener)
                .build();
    }

    private void startAndAcquire() {
        keeper.start();
        scheduler.runDue();
        assertThat(keeper.currentLease()).isPresent();
    }

    @Test
    void acquiresOnStartAskingForThePreviousSubnet() {
        keeper.start();
        scheduler.runDue();

        assertThat(server.acquires)
                .singleElement()
                .satisfies(r -> assertThat(r.getPreviousSubnet()).isEqualTo("10.244.7.0/24"));
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24");
        assertThat(keeper.currentLease()).get().extracting(Lease::getSubnet).isEqualTo("10.244.7.0/24");
    }

    @Test
    void renewsOneMarginBeforeExpiry() {
        startAndAcquire();

        scheduler.advance(TTL.minus(MARGIN).minusSeconds(1));
        assertThat(server.renews).isEmpty();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(server.renews).singleElement().satisfies(r -> {
            assertThat(r.getSubnet()).isEqualTo("10.244.7.0/24");
            assertThat(r.getNodeName()).isEqualTo("node-a");
        });
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24", "renewed 10.244.7.0/24");
        assertThat(keeper.currentLease().orElseThrow().getExpireTime())
                .isEqualTo(FakeLeaseService.timestamp(scheduler.now().plus(TTL)));

        scheduler.advance(TTL.minus(MARGIN));
        assertThat(server.renews).hasSize(2);
    }

    @Test
    void renewsHalfwayWhenTheMarginIsLongerThanTheTtl() {
        keeper = keeper(Duration.ofHours(1));
        startAndAcquire();

        scheduler.advance(TTL.dividedBy(2).minusSeconds(1));
        assertThat(server.renews).isEmpty();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(server.renews).hasSize(1);
    }

    @Test
    void keepsTheLeaseWhileTheServerIsUnreachableAndRetriesWithGrowingBackoff() {
        startAndAcquire();
        server.unavailable(true);

        scheduler.advance(TTL.minus(MARGIN));
        assertThat(server.renews).hasSize(1);
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(1));

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(2));
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(4));
        scheduler.advance(Duration.ofSeconds(4));
        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofSeconds(8));
        scheduler.advance(Duration.ofSeconds(8));
        assertThat(scheduler.pendingDelays()).as("capped").containsExactly(Duration.ofSeconds(8));

        assertThat(server.renews).hasSize(5);
        assertThat(keeper.currentLease()).isPresent();
        assertThat(listener.failedAttempts).extracting(Status::getCode).containsOnly(Status.Code.UNAVAILABLE);

        server.unavailable(false);
        scheduler.advance(Duration.ofSeconds(8));
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24", "renewed 10.244.7.0/24");
        assertThat(scheduler.pendingDelays()).as("back to the normal schedule").containsExactly(TTL.minus(MARGIN));
    }

    @Test
    void reportsTheLeaseLostOnlyOnceItHasExpiredThenGetsItBack() {
        startAndAcquire();
        server.unavailable(true);

        scheduler.advance(TTL.minusSeconds(1));
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24");
        assertThat(keeper.currentLease()).isPresent();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24", "lost 10.244.7.0/24 (UNAVAILABLE)");
        assertThat(keeper.currentLease()).isEmpty();

        server.unavailable(false);
        scheduler.advance(Duration.ofSeconds(8));
        assertThat(server.acquires.getLast().getPreviousSubnet()).isEqualTo("10.244.7.0/24");
        assertThat(listener.events)
                .containsExactly(
                        "acquired 10.244.7.0/24", "lost 10.244.7.0/24 (UNAVAILABLE)", "acquired 10.244.7.0/24");
    }

    @Test
    void reacquiresTheSameSubnetWhenTheServerForgotTheLease() {
        startAndAcquire();
        server.forget("10.244.7.0/24");

        scheduler.advance(TTL.minus(MARGIN));

        assertThat(listener.failedAttempts).extracting(Status::getCode).containsExactly(Status.Code.NOT_FOUND);
        assertThat(server.acquires).hasSize(2);
        assertThat(server.acquires.getLast().getPreviousSubnet()).isEqualTo("10.244.7.0/24");
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24", "renewed 10.244.7.0/24");
        assertThat(server.lease("10.244.7.0/24").getNodeName()).isEqualTo("node-a");
    }

    @Test
    void asksForATakeoverOnlyUntilItHoldsALeaseAndRenewsAsItsOwnHost() {
        keeper.close();
        keeper = LeaseKeeper.builder(
                        client, REQUEST.toBuilder().setTakeover(true).build())
                .scheduler(scheduler)
                .renewMargin(MARGIN)
                .backoff(BACKOFF)
                .listener(listener)
                .build();
        startAndAcquire();

        scheduler.advance(TTL.minus(MARGIN));
        server.forget("10.244.7.0/24");
        scheduler.advance(TTL.minus(MARGIN));

        assertThat(server.acquires).extracting(AcquireLeaseRequest::getTakeover).containsExactly(true, false);
        assertThat(server.renews).hasSize(2).allSatisfy(renew -> {
            assertThat(renew.getNodeName()).isEqualTo("node-a");
            assertThat(renew.getPublicIp()).isEqualTo("192.0.2.10");
        });
    }

    @Test
    void reportsAChangeWhenAnotherNodeTookTheSubnet() {
        startAndAcquire();
        server.takeOver("10.244.7.0/24", "node-b");

        scheduler.advance(TTL.minus(MARGIN));

        assertThat(listener.failedAttempts)
                .extracting(Status::getCode)
                .containsExactly(Status.Code.FAILED_PRECONDITION);
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24", "changed 10.244.7.0/24 -> 10.244.0.0/24");
        assertThat(keeper.currentLease()).get().extracting(Lease::getSubnet).isEqualTo("10.244.0.0/24");
    }

    @Test
    void reportsTheLossWhenTheLeaseIsGoneAndNoSubnetIsFreeThenRetries() {
        startAndAcquire();
        server.forget("10.244.7.0/24");
        server.failNext("AcquireLease", Status.RESOURCE_EXHAUSTED.withDescription("no free subnet"));

        scheduler.advance(TTL.minus(MARGIN));
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24", "lost 10.244.7.0/24 (NOT_FOUND)");
        assertThat(keeper.currentLease()).isEmpty();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(listener.events)
                .containsExactly("acquired 10.244.7.0/24", "lost 10.244.7.0/24 (NOT_FOUND)", "acquired 10.244.7.0/24");
    }

    @Test
    void retriesTheFirstAcquireUntilTheServerAnswers() {
        server.failNext("AcquireLease", Status.FAILED_PRECONDITION.withDescription("no config"));
        server.failNext("AcquireLease", Status.UNAVAILABLE);
        keeper.start();
        scheduler.runDue();
        assertThat(keeper.currentLease()).isEmpty();

        scheduler.advance(Duration.ofSeconds(1));
        assertThat(keeper.currentLease()).isEmpty();
        scheduler.advance(Duration.ofSeconds(2));

        assertThat(server.acquires).hasSize(3);
        assertThat(listener.events).containsExactly("acquired 10.244.7.0/24");
    }

    @Test
    void rechecksAReservationPeriodically() {
        server.put(Lease.newBuilder()
                .setSubnet("10.244.9.0/24")
                .setNodeName("node-a")
                .setReserved(true)
                .build());
        startAndAcquire();
        assertThat(keeper.currentLease().orElseThrow().getReserved()).isTrue();

        assertThat(scheduler.pendingDelays()).containsExactly(Duration.ofMinutes(5));
        scheduler.advance(Duration.ofMinutes(5));
        assertThat(server.renews)
                .singleElement()
                .satisfies(r -> assertThat(r.getSubnet()).isEqualTo("10.244.9.0/24"));
    }

    @Test
    void stopsRenewingWhenClosed() {
        startAndAcquire();
        keeper.close();

        scheduler.advance(TTL.multipliedBy(3));

        assertThat(server.renews).isEmpty();
        assertThat(server.acquires).hasSize(1);
    }
}
