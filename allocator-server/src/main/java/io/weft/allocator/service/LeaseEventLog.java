package io.weft.allocator.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One log line per lease state change, written when the change comes back on the etcd watch
 * (so changes made by other replicas, flanneld or etcd's expiry are logged too), enriched with
 * what this server knows of its own writes: how a subnet was chosen, and that a deletion was
 * a release rather than an expiry. Also the operation counters.
 */
public final class LeaseEventLog {

    private static final Logger LOG = LoggerFactory.getLogger(LeaseEventLog.class);

    private final Counter acquisitions;
    private final Counter renewals;
    private final Counter releases;
    private final Counter racesLost;
    private final Counter skippedKeys;
    /** Why this server is writing a key: announced before the write, taken by the watch event. */
    private final Map<SubnetKey, String> intents = new ConcurrentHashMap<>();
    /** How this server chose each lease it wrote, while the lease lasts. */
    private final Map<SubnetKey, String> chosen = new ConcurrentHashMap<>();

    public LeaseEventLog(MeterRegistry registry) {
        acquisitions = Counter.builder("weft_acquisitions")
                .description("Leases acquired or re-acquired")
                .register(registry);
        renewals =
                Counter.builder("weft_renewals").description("Leases renewed").register(registry);
        releases =
                Counter.builder("weft_releases").description("Leases released").register(registry);
        racesLost = Counter.builder("weft_acquisition_races_lost")
                .description("Creates that found the subnet already taken and picked another")
                .register(registry);
        skippedKeys = Counter.builder("weft_skipped_keys")
                .description("Keys under the prefix skipped because they are not valid leases")
                .register(registry);
    }

    /** Announces a write this server is about to make, e.g. "acquired, source=new". */
    void intend(SubnetKey subnet, String what) {
        intents.put(subnet, what);
    }

    /** The announced write did not happen. */
    void abandon(SubnetKey subnet) {
        intents.remove(subnet);
    }

    void acquired() {
        acquisitions.increment();
    }

    void renewed(StoredLease lease) {
        renewals.increment();
        LOG.debug("lease renewed: subnet={} node={}", lease.subnet(), lease.nodeName());
    }

    void released() {
        releases.increment();
    }

    void raceLost(SubnetKey subnet) {
        racesLost.increment();
        abandon(subnet);
        LOG.debug("subnet {} was taken by another writer first; choosing again", subnet);
    }

    /** Logs a put seen on the watch. */
    void put(StoredLease lease, boolean created) {
        String intent = intents.remove(lease.subnet());
        if (intent != null && intent.startsWith("source=")) {
            // intern: one instance of each way ("new", "previous", ...), not a copy per lease held.
            chosen.put(lease.subnet(), intent.substring("source=".length()).intern());
        }
        LOG.info(
                "lease {}: subnet={} node={} public_ip={} backend={}{} revision={}",
                created ? "added" : "updated",
                lease.subnet(),
                lease.nodeName(),
                lease.value().publicIp(),
                lease.value().backendType(),
                lease.reserved() ? " reserved" : "",
                intent == null ? lease.modRevision() : lease.modRevision() + " (" + intent + ")");
    }

    /** Logs a deletion seen on the watch and answers its reason: "released", "expired" or "deleted". */
    String removed(SubnetKey subnet, StoredLease previous, long revision) {
        String intent = intents.remove(subnet);
        chosen.remove(subnet);
        String reason = "released".equals(intent) ? "released" : reasonSeenFromOutside(previous);
        LOG.info(
                "lease removed: subnet={} node={} reason={} revision={}",
                subnet,
                previous == null ? "" : previous.nodeName(),
                reason,
                revision);
        return reason;
    }

    /**
     * How this server chose the lease's subnet (e.g. "new", "previous"), when this server wrote
     * it since it started; empty for leases written by another replica or by flanneld.
     */
    public Optional<String> howChosen(SubnetKey subnet) {
        return Optional.ofNullable(chosen.get(subnet));
    }

    /**
     * Why a lease key went, as any server that did not delete it can tell: "expired" when it
     * was on an etcd lease, else "deleted" (only the releasing server knows of a release).
     */
    static String reasonSeenFromOutside(StoredLease previous) {
        return previous != null && previous.etcdLeaseId() != 0 ? "expired" : "deleted";
    }

    void skipped(String key, String reason) {
        skippedKeys.increment();
        LOG.warn("skipping key {}: {}", key, reason);
    }
}
