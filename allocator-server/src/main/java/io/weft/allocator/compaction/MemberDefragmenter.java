package io.weft.allocator.compaction;

import io.etcd.jetcd.Maintenance;
import io.etcd.jetcd.maintenance.AlarmMember;
import io.etcd.jetcd.maintenance.AlarmType;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Defragments the etcd member this server runs itself, when that gives back much of its file,
 * and lifts its out-of-space alarm once it has room again.
 *
 * <p>Compaction frees pages inside etcd's file for reuse but never shrinks it; only a
 * defragmentation does, and it blocks that member while it rewrites the file. The local member
 * serves only this server, so blocking it briefly is acceptable, but only when worthwhile: at
 * least {@code minReclaimableBytes} and half the file free, or whenever etcd's NOSPACE alarm is
 * raised (it then refuses every write until the alarm is disarmed; if the file is still too big,
 * etcd raises it again at the next write). Never used on an external cluster, whose operator
 * decides when each member may stall. etcd counts the pages a compaction frees only from its next
 * write on, so the space a compaction gives back is usually seen after the following one.
 */
public final class MemberDefragmenter implements CompactionFollowUp {

    private static final Logger LOG = LoggerFactory.getLogger(MemberDefragmenter.class);

    private final Maintenance maintenance;
    private final String endpoint;
    private final long minReclaimableBytes;
    private final InstantSource clock;
    private final Counter defragmentations;

    public MemberDefragmenter(
            Maintenance maintenance,
            String endpoint,
            long minReclaimableBytes,
            InstantSource clock,
            MeterRegistry registry) {
        this.maintenance = maintenance;
        this.endpoint = endpoint;
        this.minReclaimableBytes = minReclaimableBytes;
        this.clock = clock;
        this.defragmentations = Counter.builder("weft_etcd_defragmentations")
                .description("Defragmentations of the local etcd member")
                .register(registry);
    }

    @Override
    public CompletableFuture<Void> compacted(long revision) {
        return defragmentIfWorthwhile().thenApply(done -> null);
    }

    /** Asks the member its file size and size in use, and defragments it when worthwhile. */
    public CompletableFuture<Boolean> defragmentIfWorthwhile() {
        return maintenance.listAlarms().thenCompose(alarms -> {
            List<AlarmMember> noSpace = alarms.getAlarms().stream()
                    .filter(alarm -> alarm.getAlarmType() == AlarmType.NOSPACE)
                    .toList();
            return maintenance.statusMember(endpoint).thenCompose(status -> {
                long file = status.getDbSize();
                long free = file - status.getDbSizeInUse();
                if (noSpace.isEmpty() && (free < minReclaimableBytes || free < file / 2)) {
                    return CompletableFuture.completedFuture(false);
                }
                long started = clock.millis();
                return maintenance
                        .defragmentMember(endpoint)
                        .thenCompose(done -> maintenance.statusMember(endpoint))
                        .thenCompose(after -> {
                            defragmentations.increment();
                            LOG.info(
                                    "defragmented the local etcd in {} ms: its file went from {} to {} KiB",
                                    clock.millis() - started,
                                    file / 1024,
                                    after.getDbSize() / 1024);
                            return disarm(noSpace);
                        })
                        .thenApply(disarmed -> true);
            });
        });
    }

    private CompletableFuture<Void> disarm(List<AlarmMember> noSpace) {
        CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
        for (AlarmMember alarm : noSpace) {
            all = all.thenCompose(ignored -> maintenance.alarmDisarm(alarm))
                    .thenAccept(ignored -> LOG.warn(
                            "disarmed the local etcd's out-of-space alarm (NOSPACE): it accepts writes again"));
        }
        return all;
    }
}
