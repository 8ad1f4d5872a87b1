package io.weft.allocator.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.weft.allocator.store.EtcdLeaseStore;
import io.weft.allocator.store.EtcdRequestObserver;
import io.weft.allocator.store.KeyLayout;
import io.weft.allocator.store.LeaseStore;
import io.weft.allocator.store.LeaseWrite;
import io.weft.allocator.store.StoreUnavailableException;
import io.weft.allocator.store.WriteOutcome;
import io.weft.api.v1.AcquireLeaseRequest;
import io.weft.api.v1.VxlanBackendData;
import io.weft.etcd.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * etcd commits an acquisition and the reply is lost; the node asks again, through the same
 * replica or through one whose view has not seen the write yet. Either way it gets the lease
 * that was committed, and etcd never holds a second one for it.
 */
@Timeout(60)
class LostReplyIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final AcquireLeaseRequest NODE_A = AcquireLeaseRequest.newBuilder().setNodeName("node-a")
            .setPublicIp("192.168.3.1").setBackendType("vxlan")
            .setVxlan(VxlanBackendData.newBuilder().setVni(1).setVtepMac("0a:00:00:00:00:01")).build();

    @Test
    void aRetryAfterALostReplyGetsTheCommittedLeaseFromAnyReplica() throws Exception {
        KeyLayout layout = new KeyLayout("/lost-reply/network");
        try (Client client = Client.builder().endpoints(ETCD.endpoints().toArray(String[]::new)).build();
             LeaseStore etcd = new EtcdLeaseStore(client, layout, EtcdRequestObserver.NONE)) {
            etcd.putConfig("{\"Network\":\"10.30.0.0/16\",\"Backend\":{\"Type\":\"vxlan\"}}").get(10, TimeUnit.SECONDS);
            LosingFirstReply losing = new LosingFirstReply(etcd);
            try (InProcessReplica first = new InProcessReplica(losing, Duration.ofHours(1));
                 InProcessReplica behind = new InProcessReplica(new DeafStore(etcd), Duration.ofHours(1))) {
                assertThatThrownBy(() -> first.leases().acquireLease(NODE_A))
                        .isInstanceOfSatisfying(StatusRuntimeException.class,
                                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE));
                assertThat(losing.lost.get()).as("the first write was committed, its reply lost").isTrue();
                List<String> committed = leaseKeys(client, layout);
                assertThat(committed).hasSize(1);

                String throughBehind = behind.leases().acquireLease(NODE_A).getLease().getSubnet();
                String throughFirst = first.leases().acquireLease(NODE_A).getLease().getSubnet();

                assertThat(throughBehind).isEqualTo(throughFirst);
                assertThat(leaseKeys(client, layout)).as("lease keys in etcd").isEqualTo(committed)
                        .singleElement().asString().endsWith(throughBehind.replace('/', '-'));
            }
        }
    }

    private static List<String> leaseKeys(Client client, KeyLayout layout) throws Exception {
        ByteSequence prefix = ByteSequence.from(layout.subnetsPrefix(), StandardCharsets.UTF_8);
        List<KeyValue> kvs = client.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build())
                .get(10, TimeUnit.SECONDS).getKvs();
        return kvs.stream().map(kv -> kv.getKey().toString(StandardCharsets.UTF_8)).toList();
    }

    /** The first claimed write reaches etcd, but its answer never reaches the server. */
    private static final class LosingFirstReply extends ForwardingLeaseStore {
        final AtomicBoolean lost = new AtomicBoolean();

        LosingFirstReply(LeaseStore delegate) {
            super(delegate);
        }

        @Override
        public CompletableFuture<WriteOutcome> putWithClaim(LeaseWrite write) {
            return super.putWithClaim(write).thenCompose(outcome -> {
                if (outcome instanceof WriteOutcome.Written && lost.compareAndSet(false, true)) {
                    return CompletableFuture.failedFuture(
                            new StoreUnavailableException("the reply from etcd was lost (test)", null));
                }
                return CompletableFuture.completedFuture(outcome);
            });
        }
    }

    /** A replica whose etcd watch never delivers: its view stays at its first snapshot. */
    private static final class DeafStore extends ForwardingLeaseStore {
        DeafStore(LeaseStore delegate) {
            super(delegate);
        }

        @Override
        public AutoCloseable watch(long fromRevision, WatchListener listener) {
            return () -> { };
        }
    }
}
