package io.weft.allocator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.allocator.service.WatchSettings;
import io.weft.api.v1.LeaseServiceGrpc;
import io.weft.api.v1.WatchLeasesRequest;
import io.weft.api.v1.WatchLeasesResponse;
import io.weft.api.v1.WatchLeasesResponse.Type;
import io.weft.etcd.testing.EtcdExtension;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Watch limits and progress messages on a real server, seen through a plain gRPC channel. */
@Timeout(60)
class WatchLimitsIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static AllocatorServer start(AllocatorFixture fixture, WatchSettings settings) throws Exception {
        AllocatorServer server = AllocatorServer.builder()
                .etcdEndpoints(fixture.endpoints)
                .etcdPrefix(fixture.prefix)
                .listen(new InetSocketAddress("127.0.0.1", 0))
                .leaseTtl(Duration.ofHours(1))
                .watchSettings(settings)
                .start();
        fixture.adopt(server);
        return server;
    }

    @Test
    void aWatchPastTheTotalLimitIsRefusedNamingTheFlagAndAnEndedOneMakesRoom() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = start(fixture, new WatchSettings(Duration.ofSeconds(10), 2, 100, 1 << 20));
            ManagedChannel channel = fixture.channel(server);
            Context.CancellableContext first = Context.current().withCancellation();
            Iterator<WatchLeasesResponse> one = first.call(() -> watch(channel, 0));
            assertThat(one.next().getType()).isEqualTo(Type.SNAPSHOT);
            assertThat(watch(channel, 0).next().getType()).isEqualTo(Type.SNAPSHOT);

            assertThatThrownBy(() -> watch(channel, 0).next())
                    .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                        assertThat(e.getStatus().getDescription())
                                .isEqualTo("this server has 2 watch streams open, the limit (--max-watchers) is 2; "
                                        + "retry later or on another replica");
                    });

            first.cancel(null);
            org.awaitility.Awaitility.await()
                    .untilAsserted(
                            () -> assertThat(watch(channel, 0).next().getType()).isEqualTo(Type.SNAPSHOT));
        }
    }

    @Test
    void anIdleStreamCarriesProgressMessagesWithTheCurrentRevision() throws Exception {
        try (AllocatorFixture fixture = new AllocatorFixture(ETCD.endpoints())) {
            AllocatorServer server = start(fixture, new WatchSettings(Duration.ofMillis(100), 10, 10, 1 << 20));
            Iterator<WatchLeasesResponse> stream = watch(fixture.channel(server), 0);
            WatchLeasesResponse snapshot = stream.next();

            for (int i = 0; i < 3; i++) {
                WatchLeasesResponse progress = stream.next();
                assertThat(progress.getType()).isEqualTo(Type.PROGRESS);
                assertThat(progress.getRevision()).isEqualTo(snapshot.getRevision());
            }
        }
    }

    private static Iterator<WatchLeasesResponse> watch(ManagedChannel channel, long start) {
        return LeaseServiceGrpc.newBlockingStub(channel)
                .withDeadlineAfter(10, TimeUnit.SECONDS)
                .watchLeases(
                        WatchLeasesRequest.newBuilder().setStartRevision(start).build());
    }
}
