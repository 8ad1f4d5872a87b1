package io.weft.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.weft.api.v1.Lease;
import io.weft.etcd.testing.EtcdExtension;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** LeaseWatch resuming across a server restart and a replica failover, with real etcd. */
@Timeout(120)
class LeaseWatchIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final Backoff QUICK = new Backoff(Duration.ofMillis(100), 2.0, Duration.ofSeconds(1), 0.0);

    @Test
    void resumesAcrossAServerRestartOnTheSamePort() throws Exception {
        try (LiveAllocator allocator = LiveAllocator.start(ETCD.endpoints(), Duration.ofHours(1));
                LiveAllocator other = allocator.replica();
                WeftClient client = WeftClient.connect(List.of(allocator.address()));
                WeftClient otherClient = WeftClient.connect(List.of(other.address()))) {
            client.setConfig(WeftClientIT.HOST_GW_CONFIG, false);
            RecordingWatchListener listener = new RecordingWatchListener();
            try (LeaseWatch watch =
                    LeaseWatch.builder(client, listener).backoff(QUICK).build()) {
                watch.start();
                Lease a = client.acquire(WeftClientIT.hostGwNode("node-a", "192.0.2.1"))
                        .getLease();
                await().until(() -> watch.view().containsKey(a.getSubnet()));
                long seenBeforeRestart = watch.lastRevision();

                allocator.stop();
                await().until(() -> listener.events.stream().anyMatch(e -> e.startsWith("disconnected")));
                Lease b = otherClient
                        .acquire(WeftClientIT.hostGwNode("node-b", "192.0.2.2"))
                        .getLease();
                allocator.restart();

                await().until(() -> watch.view().keySet().equals(Set.of(a.getSubnet(), b.getSubnet())));
                assertThat(watch.lastRevision()).isGreaterThan(seenBeforeRestart);
                List<String> afterReconnect = listener.events.subList(
                        listener.events.indexOf(listener.events.stream()
                                .filter(e -> e.startsWith("disconnected"))
                                .findFirst()
                                .orElseThrow()),
                        listener.events.size());
                assertThat(afterReconnect)
                        .as("a resumed watch never gets a plain snapshot")
                        .noneMatch(e -> e.matches("\\d+ SNAPSHOT \\[.*"));
            }
        }
    }

    @Test
    void failsOverToAReplicaAndResumesWithTheMissedEvents() throws Exception {
        try (LiveAllocator first = LiveAllocator.start(ETCD.endpoints(), Duration.ofHours(1));
                LiveAllocator second = first.replica();
                WeftClient client = WeftClient.connect(List.of(first.address(), second.address()))) {
            client.setConfig(WeftClientIT.HOST_GW_CONFIG, false);
            RecordingWatchListener listener = new RecordingWatchListener();
            try (LeaseWatch watch =
                    LeaseWatch.builder(client, listener).backoff(QUICK).build()) {
                watch.start();
                Lease a = client.acquire(WeftClientIT.hostGwNode("node-a", "192.0.2.1"))
                        .getLease();
                await().until(() -> watch.view().containsKey(a.getSubnet()));

                first.stop();
                Lease b = client.acquire(WeftClientIT.hostGwNode("node-b", "192.0.2.2"))
                        .getLease();

                await().until(() -> watch.view().containsKey(b.getSubnet()));
                assertThat(watch.view()).containsOnlyKeys(a.getSubnet(), b.getSubnet());
                assertThat(listener.events)
                        .as("the replica had the events after the last revision")
                        .contains(b.getModRevision() + " ADDED " + b.getSubnet())
                        .filteredOn(e -> e.contains("SNAPSHOT"))
                        .hasSize(1);
            }
        }
    }
}
