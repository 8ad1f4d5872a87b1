package io.weft.allocator.compaction;

import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.MeterRegistry;
import io.weft.allocator.store.KeyLayout;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's care of etcd's size: the {@link Compactor} every interval (none with interval 0,
 * for operators who compact themselves) and, for the etcd member the server runs itself, a
 * {@link MemberDefragmenter} at start-up and after each compaction.
 */
public final class EtcdMaintenance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdMaintenance.class);

    /** Below this much free space a defragmentation is not worth stalling the member for. */
    public static final long MIN_RECLAIMABLE_BYTES = 32L << 20;

    private final ScheduledExecutorService scheduler;
    private final Compactor compactor;

    private EtcdMaintenance(ScheduledExecutorService scheduler, Compactor compactor) {
        this.scheduler = scheduler;
        this.compactor = compactor;
    }

    /**
     * Starts compacting (unless interval is zero) and, when {@code localEndpoint} is not null,
     * defragmenting that member.
     *
     * @param localEndpoint the client URL of the etcd member this server started, or null
     */
    public static EtcdMaintenance start(
            Client client,
            KeyLayout layout,
            Duration interval,
            String localEndpoint,
            InstantSource clock,
            MeterRegistry registry) {
        if (interval.isZero() && localEndpoint == null) {
            LOG.info("not compacting etcd's history (--etcd-compaction-interval 0): compact it yourself");
            return new EtcdMaintenance(null, null);
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("weft-etcd-maintenance").daemon().factory());
        CompactionFollowUp followUp = CompactionFollowUp.NONE;
        if (localEndpoint != null) {
            MemberDefragmenter defragmenter = new MemberDefragmenter(
                    client.getMaintenanceClient(), localEndpoint, MIN_RECLAIMABLE_BYTES, clock, registry);
            scheduler.execute(() -> defragmenter.defragmentIfWorthwhile().exceptionally(error -> {
                LOG.warn("could not check the local etcd for defragmentation: {}", error.getMessage());
                return false;
            }));
            followUp = defragmenter;
        }
        Compactor compactor = null;
        if (interval.isZero()) {
            LOG.info("not compacting etcd's history (--etcd-compaction-interval 0): compact it yourself");
        } else {
            compactor = new Compactor(new EtcdCompactionLedger(client, layout), clock, followUp, registry);
            compactor.start(scheduler, interval);
        }
        return new EtcdMaintenance(scheduler, compactor);
    }

    @Override
    public void close() {
        if (compactor != null) {
            compactor.close();
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
