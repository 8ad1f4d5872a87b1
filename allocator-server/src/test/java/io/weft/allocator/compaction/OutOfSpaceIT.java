package io.weft.allocator.compaction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.AlarmType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.weft.allocator.compaction.Compactor.Outcome;
import io.weft.allocator.store.KeyLayout;
import io.weft.etcd.EtcdOptions;
import io.weft.etcd.EtcdProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure the compaction exists to prevent, on a real etcd with a small quota: uncompacted
 * history fills the database, etcd raises its NOSPACE alarm and refuses every write (renewals
 * too). One round of the local etcd's compactor and defragmenter makes it writable again.
 */
@Timeout(120)
class OutOfSpaceIT {

    private static final long QUOTA_BYTES = 8L << 20;
    private static final int VALUE_BYTES = 512 * 1024;

    @TempDir
    Path temp;

    @Test
    void aLocalEtcdOutOfSpaceIsCompactedDefragmentedAndWritableAgainAfterOneRound() throws Exception {
        try (EtcdProcess etcd = new EtcdProcess(EtcdOptions.builder(temp.resolve("etcd"))
                                .extraArgs("--quota-backend-bytes=" + QUOTA_BYTES)
                                .build())
                        .start();
                Client client =
                        Client.builder().endpoints(etcd.clientEndpoint()).build()) {
            byte[] filler = new byte[VALUE_BYTES];
            Arrays.fill(filler, (byte) 'x');
            ByteSequence key = bytes("/weft-full/network/subnets/10.0.0.0-24");
            assertThatThrownBy(() -> {
                        for (int i = 0; i < 200; i++) {
                            filler[0] = (byte) ('a' + i % 26);
                            client.getKVClient()
                                    .put(key, ByteSequence.from(filler))
                                    .get(10, TimeUnit.SECONDS);
                        }
                    })
                    .as("rewriting one key fills the quota with history")
                    .hasMessageContaining("database space exceeded");
            assertThat(client.getMaintenanceClient()
                            .listAlarms()
                            .get(10, TimeUnit.SECONDS)
                            .getAlarms())
                    .extracting(io.etcd.jetcd.maintenance.AlarmMember::getAlarmType)
                    .containsExactly(AlarmType.NOSPACE);

            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            MemberDefragmenter defragmenter = new MemberDefragmenter(
                    client.getMaintenanceClient(),
                    etcd.clientEndpoint(),
                    EtcdMaintenance.MIN_RECLAIMABLE_BYTES,
                    InstantSource.system(),
                    registry);
            Compactor compactor = new Compactor(
                    new EtcdCompactionLedger(client, new KeyLayout("/weft-full/network")),
                    InstantSource.system(),
                    defragmenter,
                    registry);

            assertThat(compactor.round().get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.COMPACTED);

            assertThat(client.getMaintenanceClient()
                            .listAlarms()
                            .get(10, TimeUnit.SECONDS)
                            .getAlarms())
                    .isEmpty();
            client.getKVClient().put(key, bytes("{\"PublicIP\":\"192.0.2.1\"}")).get(10, TimeUnit.SECONDS);
            assertThat(registry.get("weft_etcd_defragmentations").counter().count())
                    .isEqualTo(1);
            // And back to normal rounds: the shared key can be written again.
            assertThat(compactor.round().get(60, TimeUnit.SECONDS).outcome()).isEqualTo(Outcome.ALREADY_COMPACTED);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
