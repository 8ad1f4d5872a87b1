package io.weft.allocator.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.etcd.testing.EtcdExtension;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The local member's defragmentation on a real etcd: after lots of data was written, deleted
 * and compacted away, the file shrinks; with nothing to give back, the member is left alone.
 */
@Timeout(120)
class MemberDefragmenterIT {

    @RegisterExtension
    static final EtcdExtension ETCD = EtcdExtension.singleMember();

    private static final int VALUES = 24;
    private static final int VALUE_BYTES = 512 * 1024;

    @Test
    void aMemberWithMostOfItsFileFreeIsDefragmentedAndThenLeftAlone() throws Exception {
        try (Client client = Client.builder().endpoints(ETCD.endpoint()).build()) {
            byte[] filler = new byte[VALUE_BYTES];
            Arrays.fill(filler, (byte) 'x');
            for (int i = 0; i < VALUES; i++) {
                client.getKVClient()
                        .put(bytes("/defrag/" + i), ByteSequence.from(filler))
                        .get(10, TimeUnit.SECONDS);
            }
            long head = client.getKVClient()
                    .delete(
                            bytes("/defrag/"),
                            DeleteOption.builder().isPrefix(true).build())
                    .get(10, TimeUnit.SECONDS)
                    .getHeader()
                    .getRevision();
            client.getKVClient()
                    .compact(
                            head,
                            CompactOption.builder().withCompactPhysical(true).build())
                    .get(10, TimeUnit.SECONDS);
            // etcd counts the pages a compaction freed only once later writes have been committed.
            await().until(() -> {
                client.getKVClient().put(bytes("/defrag-done"), bytes("yes")).get(10, TimeUnit.SECONDS);
                StatusResponse status = status(client);
                return status.getDbSizeInUse() < status.getDbSize() / 2;
            });
            StatusResponse before = status(client);
            assertThat(before.getDbSize()).isGreaterThan((long) VALUES * VALUE_BYTES / 2);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            MemberDefragmenter defragmenter = new MemberDefragmenter(
                    client.getMaintenanceClient(), ETCD.endpoint(), 1 << 20, InstantSource.system(), registry);

            assertThat(defragmenter.defragmentIfWorthwhile().get(30, TimeUnit.SECONDS))
                    .isTrue();

            StatusResponse after = status(client);
            assertThat(after.getDbSize()).isLessThan(before.getDbSize() / 2);
            assertThat(registry.get("weft_etcd_defragmentations").counter().count())
                    .isEqualTo(1);
            assertThat(defragmenter.defragmentIfWorthwhile().get(30, TimeUnit.SECONDS))
                    .isFalse();
            assertThat(registry.get("weft_etcd_defragmentations").counter().count())
                    .isEqualTo(1);
        }
    }

    private static StatusResponse status(Client client) throws Exception {
        return client.getMaintenanceClient().statusMember(ETCD.endpoint()).get(10, TimeUnit.SECONDS);
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
