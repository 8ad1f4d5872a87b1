package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.AddressFence;
import io.weft.allocator.store.AddressFences;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.LeaseWrite;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoreUnavailableException;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.WriteOutcome;
import io.weft.config.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link ReservationOperations} when a reservation cannot be made: the subnets it took in the
 * index must be free again afterwards. etcd is a store that is down (every call fails as
 * {@link StoreUnavailableException} does), so nothing here needs a running etcd.
 */
@Timeout(60)
class ReservationOperationsTest {

    private static final String DUAL = """
            {"Network":"10.0.0.0/22","SubnetLen":26,"EnableIPv6":true,"IPv6Network":"fd00:1::/61",\
            "IPv6SubnetLen":64,"Backend":{"Type":"vxlan"}}""";
    private static final InstantSource CLOCK = InstantSource.fixed(Instant.parse("2025-01-01T00:00:00Z"));

    private final LeaseIndex index = new LeaseIndex(Duration.ofMinutes(5));
    private final DownStore store = new DownStore();
    private final ReservationOperations reservations = new ReservationOperations(
            store, index, new ExpiryTracker(), CLOCK, new LeaseBuckets(store, CLOCK, Duration.ofHours(24)));

    ReservationOperationsTest() {
        index.reset(new Snapshot(1, Optional.of(new StoredConfig(DUAL, 1)), List.of(), List.of()));
    }

    private static IpPrefix p(String cidr) {
        return IpPrefix.parse(cidr);
    }

    private static Status.Code failure(CompletableFuture<?> future) {
        assertThat(future).isCompletedExceptionally();
        try {
            future.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof StatusRuntimeException status) {
                return status.getStatus().getCode();
            }
            throw e;
        }
        throw new AssertionError("not failed");
    }

    @Test
    void reservingASubnetHeldByAnotherNodeIsRefusedAndTakesNothing() {
        StoredLease held = new StoredLease(
                new SubnetKey(p("10.0.1.0/26"), p("fd00:1:0:2::/64")),
                new LeaseValue("192.168.0.1", "", "vxlan", null, null, "node-a"),
                70,
                5);
        index.apply(new StoreEvent.LeasePut(held, false), true, Instant.now());

        CompletableFuture<StoredLease> reserved =
                reservations.reserve(new SubnetKey(p("10.0.1.0/26"), p("fd00:1:0:3::/64")), "node-b", "192.168.0.2");

        assertThat(failure(reserved)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(index.takeIfAvailable(p("fd00:1:0:3::/64")))
                .as("the IPv6 half was not taken")
                .isTrue();
    }

    @Test
    void aReservationRefusedForItsIpv6HalfLeavesTheIpv4HalfFree() {
        StoredLease held = new StoredLease(
                new SubnetKey(p("10.0.1.0/26"), p("fd00:1:0:2::/64")),
                new LeaseValue("192.168.0.1", "", "vxlan", null, null, "node-a"),
                70,
                5);
        index.apply(new StoreEvent.LeasePut(held, false), true, Instant.now());

        CompletableFuture<StoredLease> reserved =
                reservations.reserve(new SubnetKey(p("10.0.2.0/26"), p("fd00:1:0:2::/64")), "node-b", "192.168.0.2");

        assertThat(failure(reserved)).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(index.takeIfAvailable(p("10.0.2.0/26")))
                .as("10.0.2.0/26 is free again")
                .isTrue();
    }

    @Test
    void aReservationThatEtcdFailedToWriteLeavesItsSubnetsFree() {
        CompletableFuture<StoredLease> reserved =
                reservations.reserve(new SubnetKey(p("10.0.2.0/26"), p("fd00:1:0:4::/64")), "node-b", "192.168.0.2");

        assertThat(failure(reserved)).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(index.takeIfAvailable(p("10.0.2.0/26")))
                .as("10.0.2.0/26 is free again")
                .isTrue();
        assertThat(index.takeIfAvailable(p("fd00:1:0:4::/64")))
                .as("fd00:1:0:4::/64 is free again")
                .isTrue();
    }

    /** etcd is unreachable: every call fails as the etcd store's calls then do. */
    private static final class DownStore implements LeaseStore {

        private static <T> CompletableFuture<T> down() {
            return CompletableFuture.failedFuture(new StoreUnavailableException("etcd is down (test)", null));
        }

        @Override
        public CompletableFuture<Long> currentRevision() {
            return down();
        }

        @Override
        public CompletableFuture<Snapshot> snapshot() {
            return down();
        }

        @Override
        public CompletableFuture<Long> putConfig(String json) {
            return down();
        }

        @Override
        public CompletableFuture<Long> grant(Duration ttl) {
            return down();
        }

        @Override
        public CompletableFuture<OptionalLong> timeToLive(long etcdLeaseId) {
            return down();
        }

        @Override
        public CompletableFuture<WriteOutcome> compareAndPut(
                SubnetKey subnet,
                LeaseValue value,
                long etcdLeaseId,
                long expectedModRevision,
                AddressFences addresses) {
            return down();
        }

        @Override
        public CompletableFuture<WriteOutcome> compareAndDelete(
                SubnetKey subnet, long expectedModRevision, List<AddressFence> addresses) {
            return down();
        }

        @Override
        public CompletableFuture<WriteOutcome> putWithClaim(LeaseWrite write) {
            return down();
        }

        @Override
        public CompletableFuture<WriteOutcome> deleteWithClaim(
                SubnetKey subnet,
                long expectedModRevision,
                String nodeName,
                long expectedClaimRevision,
                List<AddressFence> addresses) {
            return down();
        }

        @Override
        public CompletableFuture<StoreEvent> read(SubnetKey subnet) {
            return down();
        }

        @Override
        public AutoCloseable watch(long fromRevision, WatchListener listener) {
            listener.onFailed(new StoreUnavailableException("etcd is down (test)", null));
            return () -> {};
        }

        @Override
        public void close() {}
    }
}
