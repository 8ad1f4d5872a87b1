package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.allocator.store.EtcdLeaseStore;
import io.weft.allocator.store.EtcdRequestObserver;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.Snapshot;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Loading what etcd answered throws (here: a snapshot the first read hands over broken). The
 * throw happens inside a future callback, where it used to vanish: the server then never synced
 * and never tried again. It must log, list again and become ready.
 */
@Timeout(60)
class StoreFollowerRecoveryIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    @Test
    void aThrowWhileLoadingTheSnapshotIsFollowedByAnotherList() throws Exception {
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
        try (Client client = Client.builder()
                        .endpoints(ETCD.endpoints().toArray(String[]::new))
                        .build();
                LeaseStore etcd = new EtcdLeaseStore(
                        client, new KeyLayout("/follower-recovery/network"), EtcdRequestObserver.NONE)) {
            AtomicInteger reads = new AtomicInteger();
            LeaseStore firstReadBroken = new ForwardingLeaseStore(etcd) {
                @Override
                public CompletableFuture<Snapshot> snapshot() {
                    return super.snapshot()
                            .thenApply(snapshot -> reads.incrementAndGet() > 1
                                    ? snapshot
                                    : new Snapshot(snapshot.revision(), snapshot.config(), snapshot.leases(), null));
                }
            };
            LeaseServices services = new LeaseServices(
                    firstReadBroken,
                    InstantSource.system(),
                    Duration.ofHours(1),
                    Duration.ZERO,
                    new SimpleMeterRegistry(),
                    scheduler);
            try {
                services.start().get(20, TimeUnit.SECONDS);

                assertThat(services.ready()).isTrue();
                assertThat(reads).hasValue(2);
            } finally {
                services.close();
                scheduler.shutdownNow();
            }
        }
    }
}
