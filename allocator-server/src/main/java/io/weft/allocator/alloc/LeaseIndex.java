package io.weft.allocator.alloc;

import io.weft.allocator.store.AddressClaim;
import io.weft.allocator.store.HostAddress;
import io.weft.allocator.store.Snapshot;
import io.weft.allocator.store.StoreEvent;
import io.weft.allocator.store.StoredConfig;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.config.ConfigException;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.random.RandomGenerator;

/**
 * The server's in-memory view of the prefix: the config, every lease, lookups by subnet, node
 * and public IP, the node and address claims, and the free subnets of each family. It is loaded
 * from a snapshot ({@link #reset}) and then changed only through {@link #apply}, by the
 * server's one etcd watch and by what the server's own writes and reads answered (so a node
 * sees its lease at once); both are ordered by etcd revision there, so a late watch event never
 * undoes a newer write.
 *
 * <p>Over 300 lines on purpose: leases, lookups, claims and free space change together under
 * one lock, and splitting them would spread that invariant over several classes.
 *
 * <p>Thread-safe: every method is synchronized; none does I/O.
 */
public final class LeaseIndex {

    private StoredConfig storedConfig;
    private NetworkConfig config;
    private final TreeMap<SubnetKey, StoredLease> leases = new TreeMap<>();
    private final Map<IpPrefix, SubnetKey> bySubnet = new HashMap<>();
    private final LeaseNames names = new LeaseNames();
    /**
     * Lease keys whose value is unreadable (skipped, never listed): their subnets stay taken,
     * since the key exists in etcd and a create there would fail, until the key is deleted.
     */
    private final Set<SubnetKey> unreadable = new HashSet<>();
    /** Keys this server deleted ahead of its watch, with the deletion revision. */
    private final Map<SubnetKey, Long> deletedAhead = new HashMap<>();

    private final NodeClaims claims = new NodeClaims();
    private final AddressClaims addressClaims = new AddressClaims();
    private final RecentReleases recentReleases;
    private final FreeSpace free;
    private final StepCounter steps;
    /** Set once two keys shared a subnet (dual-stack keys with one IPv6 part), until the next reset. */
    private boolean sharedParts;

    private long revision;
    private long configRevision;

    public LeaseIndex(Duration quarantine) {
        this(quarantine, StepCounter.NONE);
    }

    LeaseIndex(Duration quarantine, StepCounter steps) {
        this.steps = steps;
        this.free = new FreeSpace(quarantine, steps);
        this.recentReleases = new RecentReleases(quarantine);
    }

    /** Replaces everything with the snapshot. Answers a config problem, if the stored one is bad. */
    public synchronized Optional<String> reset(Snapshot snapshot) {
        leases.clear();
        bySubnet.clear();
        names.clear();
        deletedAhead.clear();
        unreadable.clear();
        claims.reset(snapshot.claims());
        addressClaims.reset(snapshot.addresses());
        recentReleases.clear();
        sharedParts = false;
        // The free sets are rebuilt around the snapshot's keys: ones kept from before would still
        // hold what was deleted while the watch was down, and miss what was created meanwhile.
        free.clear();
        revision = snapshot.revision();
        configRevision = 0;
        for (StoredLease lease : snapshot.leases()) {
            leases.put(lease.subnet(), lease);
            addLookups(lease);
        }
        snapshot.skipped().stream()
                .map(StoreEvent.Skipped::subnet)
                .filter(Objects::nonNull)
                .forEach(unreadable::add);
        Optional<String> problem = snapshot.config().map(this::installConfig).orElseGet(() -> {
            clearConfig();
            configRevision = snapshot.revision();
            return Optional.empty();
        });
        unreadable.forEach(this::take);
        return problem;
    }

    /**
     * The one way a change reaches the index after {@link #reset}: a change the watch delivered
     * (fromWatch), or one this server's own write made or its read found, ahead of the watch.
     * Both paths meet here and are ordered by etcd revision per key: a change older than what
     * the index holds for its key is dropped, and a key this server deleted stays deleted until
     * the watch has passed the deletion, so the watch's late copy of an older write never
     * undoes a newer one. Only the watch advances {@link #revision()}. Answers the validation
     * problem when the change installs an invalid network config.
     */
    public synchronized Optional<String> apply(StoreEvent change, boolean fromWatch, Instant now) {
        if (fromWatch) {
            advance(change.revision());
        }
        switch (change) {
            case StoreEvent.LeasePut put -> applyPut(put.lease(), fromWatch);
            case StoreEvent.LeaseDeleted deleted -> applyDelete(deleted.subnet(), deleted.revision(), fromWatch, now);
            case StoreEvent.ClaimPut claim -> claims.put(claim.claim());
            case StoreEvent.ClaimDeleted deleted -> claims.delete(deleted.nodeName(), deleted.revision());
            case StoreEvent.AddressPut address -> addressClaims.put(address.claim());
            case StoreEvent.AddressDeleted deleted -> addressClaims.delete(deleted.address(), deleted.revision());
            case StoreEvent.ConfigPut put -> {
                return applyConfig(put.config(), fromWatch);
            }
            case StoreEvent.ConfigDeleted deleted -> applyConfigDeleted(deleted.revision(), fromWatch);
            case StoreEvent.Skipped skipped -> applySkipped(skipped, fromWatch);
        }
        return Optional.empty();
    }

    /**
     * Applies changes as {@link #apply} does, all under one lock: one revision's changes (one
     * etcd transaction may change many leases) so that no reader sees the revision reached with
     * only some of them. Answers each change's validation problem, in order.
     */
    public synchronized List<Optional<String>> applyAll(List<StoreEvent> changes, boolean fromWatch, Instant now) {
        List<Optional<String>> problems = new ArrayList<>(changes.size());
        for (StoreEvent change : changes) {
            problems.add(apply(change, fromWatch, now));
        }
        return problems;
    }

    /**
     * Applies a skipped key seen by the watch: when it names a subnet (a lease key holding an
     * unreadable value), that subnet stays taken until the key is deleted. A lease the index
     * already has at that key is kept: garbage never removes a lease here.
     */
    synchronized void applySkipped(StoreEvent.Skipped skipped, boolean fromWatch) {
        if (fromWatch) {
            advance(skipped.revision());
        }
        SubnetKey subnet = skipped.subnet();
        if (subnet == null) {
            return;
        }
        StoredLease current = leases.get(subnet);
        if (current != null && current.modRevision() < skipped.revision()) {
            // Garbage written over a lease: keep its last readable value, at the garbage's revision,
            // so the holder's next renewal (fenced by the key's mod revision) writes it back.
            leases.put(subnet, new StoredLease(subnet, current.value(), current.etcdLeaseId(), skipped.revision()));
            return;
        }
        unreadable.add(subnet);
        take(subnet);
    }

    /**
     * The index's own instance of this version of a lease when it holds an equal one, else the
     * argument: the watch decodes a fresh copy of every lease this server wrote, and the watch
     * hub keeping that copy beside the index's would double the memory per lease.
     */
    public synchronized StoredLease shared(StoredLease lease) {
        StoredLease current = leases.get(lease.subnet());
        return lease.equals(current) ? current : lease;
    }

    /**
     * Applies a put seen by the watch, or made by this server (fromWatch false). Answers the
     * lease when it changed the index, empty when the index already had it or something newer.
     */
    synchronized Optional<StoredLease> applyPut(StoredLease lease, boolean fromWatch) {
        if (fromWatch) {
            advance(lease.modRevision());
        }
        StoredLease current = leases.get(lease.subnet());
        if (current != null && current.modRevision() >= lease.modRevision()) {
            return Optional.empty();
        }
        Long deletedAt = deletedAhead.get(lease.subnet());
        if (deletedAt != null && deletedAt >= lease.modRevision()) {
            return Optional.empty();
        }
        deletedAhead.remove(lease.subnet());
        unreadable.remove(lease.subnet());
        if (current != null) {
            removeLookups(current);
        }
        leases.put(lease.subnet(), lease);
        addLookups(lease);
        take(lease.subnet());
        return Optional.of(lease);
    }

    /**
     * Applies a delete seen by the watch, or made by this server (fromWatch false). Answers the
     * lease it removed, empty when the key was already gone or has been rewritten since.
     */
    synchronized Optional<StoredLease> applyDelete(
            SubnetKey subnet, long deleteRevision, boolean fromWatch, Instant now) {
        if (fromWatch) {
            advance(deleteRevision);
        }
        StoredLease current = leases.get(subnet);
        if (unreadable.remove(subnet) && current == null) {
            release(subnet, now);
        }
        if (current == null || current.modRevision() > deleteRevision) {
            return Optional.empty();
        }
        if (!fromWatch) {
            deletedAhead.put(subnet, deleteRevision);
        }
        leases.remove(subnet);
        removeLookups(current);
        release(subnet, now);
        subnet.parts().forEach(part -> recentReleases.record(part, current, now));
        return Optional.of(current);
    }

    /** The node's claim key's mod revision as last seen; 0 when absent or never seen. */
    public synchronized long claimRevision(String nodeName) {
        return claims.modRevision(nodeName);
    }

    /** The lease the node's claim key names, if it names one. */
    public synchronized Optional<SubnetKey> claimedBy(String nodeName) {
        return claims.subnet(nodeName);
    }

    /** Who holds the address's claim key as last seen, if anyone does. */
    public synchronized Optional<AddressClaim> addressHolder(HostAddress address) {
        return addressClaims.holder(address);
    }

    /** The address claims the node holds as last seen. */
    public synchronized List<AddressClaim> addressesHeldBy(String nodeName) {
        return addressClaims.heldBy(nodeName);
    }

    /**
     * Installs a config seen by the watch or written by this server; an older one than the
     * index has is ignored. Answers the validation problem if the stored JSON is invalid.
     */
    synchronized Optional<String> applyConfig(StoredConfig stored, boolean fromWatch) {
        if (fromWatch) {
            advance(stored.modRevision());
        }
        if (stored.modRevision() <= configRevision) {
            return Optional.empty();
        }
        return installConfig(stored);
    }

    synchronized void applyConfigDeleted(long deleteRevision, boolean fromWatch) {
        if (fromWatch) {
            advance(deleteRevision);
        }
        if (deleteRevision > configRevision) {
            clearConfig();
            configRevision = deleteRevision;
        }
    }

    /** Notes that the watch has seen everything up to this revision. */
    public synchronized void advance(long seenRevision) {
        revision = Math.max(revision, seenRevision);
        deletedAhead.values().removeIf(deletedAt -> deletedAt <= seenRevision);
    }

    public synchronized long revision() {
        return revision;
    }

    public synchronized Optional<NetworkConfig> config() {
        return Optional.ofNullable(config);
    }

    public synchronized Optional<StoredConfig> storedConfig() {
        return Optional.ofNullable(storedConfig);
    }

    public synchronized Optional<StoredLease> bySubnet(IpPrefix subnet) {
        return Optional.ofNullable(bySubnet.get(subnet)).map(leases::get);
    }

    public synchronized Optional<StoredLease> byNode(String nodeName) {
        return names.node(nodeName).map(leases::get);
    }

    public synchronized Optional<StoredLease> byPublicIp(String publicIp) {
        return names.publicIp(publicIp).map(leases::get);
    }

    /**
     * Every lease that carries this address: a public IPv4 or IPv6, or a VTEP MAC (in
     * {@link io.weft.allocator.store.VtepData#normalMac} form).
     */
    public synchronized List<StoredLease> carrying(String address) {
        return names.carrying(address).stream()
                .map(leases::get)
                .filter(Objects::nonNull)
                .toList();
    }

    /** Every lease, ordered by subnet. */
    public synchronized List<StoredLease> all() {
        return new ArrayList<>(leases.values());
    }

    public synchronized int size() {
        return leases.size();
    }

    /**
     * Takes a subnet a node asks for by name (its previous one) if nobody holds it and no other
     * host released it within the reuse quarantine; answers whether it was taken.
     */
    public synchronized boolean takeIfAvailable(IpPrefix subnet, String nodeName, String publicIp, Instant now) {
        return !recentReleases.heldBack(subnet, nodeName, publicIp, now) && takeIfAvailable(subnet);
    }

    /** Takes a specific subnet if nobody holds it; answers whether it was taken. */
    public synchronized boolean takeIfAvailable(IpPrefix subnet) {
        return !bySubnet.containsKey(subnet) && free.takeIfAvailable(subnet);
    }

    /** Takes any free subnet of the IPv4 (ipv6 = false) or IPv6 space. */
    public synchronized Optional<IpPrefix> takeAny(boolean ipv6, Instant now, RandomGenerator random) {
        return free.takeAny(ipv6, now, random);
    }

    /** Takes any free subnet, at random among the lowest window free ones. */
    public synchronized Optional<IpPrefix> takeAny(boolean ipv6, Instant now, RandomGenerator random, long window) {
        return free.takeAny(ipv6, now, random, window);
    }

    /** Gives back the subnets of a key taken for a write that did not happen. */
    public synchronized void returnUnused(SubnetKey subnet) {
        subnet.parts().forEach(this::returnUnused);
    }

    /** Gives back a subnet taken for a write that did not happen. */
    public synchronized void returnUnused(IpPrefix subnet) {
        if (!bySubnet.containsKey(subnet)) {
            free.returnUnused(subnet);
        }
    }

    /**
     * Subnets released within the reuse quarantine and not leased again, each with when its
     * quarantine ends: they go back only to the host that released them until then.
     */
    public synchronized Map<IpPrefix, Instant> quarantined(Instant now) {
        Map<IpPrefix, Instant> until = recentReleases.heldBackUntil(now);
        until.keySet().removeIf(bySubnet::containsKey);
        return until;
    }

    /** Subnet counts of one family: capacity, leased, reserved, free. */
    public synchronized Optional<Usage> usage(boolean ipv6) {
        OptionalLong capacity = free.capacity(ipv6);
        if (capacity.isEmpty()) {
            return Optional.empty();
        }
        long leased = 0;
        long reserved = 0;
        for (StoredLease lease : leases.values()) {
            steps.step();
            IpPrefix subnet = ipv6 ? lease.subnet().ipv6() : lease.subnet().ipv4();
            if (subnet != null && free.contains(subnet)) {
                if (lease.reserved()) {
                    reserved++;
                } else {
                    leased++;
                }
            }
        }
        long size = capacity.getAsLong();
        return Optional.of(new Usage(size, leased, reserved, size - leased - reserved));
    }

    /** Subnet counts for one family. */
    public record Usage(long capacity, long leased, long reserved, long free) {}

    private Optional<String> installConfig(StoredConfig stored) {
        configRevision = stored.modRevision();
        try {
            NetworkConfig parsed = NetworkConfig.parse(stored.json());
            storedConfig = stored;
            config = parsed;
            if (free.install(parsed)) {
                for (SubnetKey subnet : leases.keySet()) {
                    take(subnet);
                }
                unreadable.forEach(this::take);
            }
            return Optional.empty();
        } catch (ConfigException e) {
            clearConfig();
            storedConfig = stored;
            return Optional.of(e.getMessage());
        }
    }

    private void clearConfig() {
        storedConfig = null;
        config = null;
        free.clear();
    }

    private void take(SubnetKey subnet) {
        steps.step();
        subnet.parts().forEach(free::take);
    }

    private void release(SubnetKey subnet, Instant now) {
        steps.step();
        List<IpPrefix> released = new ArrayList<>(2);
        for (IpPrefix part : subnet.parts()) {
            free.release(part, now);
            released.add(free.footprint(part));
        }
        if (free.foreignHeld() || sharedParts || !unreadable.isEmpty()) {
            // Rare (a forced config change, keys sharing a part, garbage at a lease key): another
            // key may still cover what was just freed. One pass over the keys, never over the space.
            leases.keySet().forEach(other -> retakeIfOverlapping(other, released));
            unreadable.forEach(other -> retakeIfOverlapping(other, released));
        }
    }

    private void retakeIfOverlapping(SubnetKey other, List<IpPrefix> released) {
        steps.step();
        for (IpPrefix part : other.parts()) {
            for (IpPrefix gone : released) {
                if (part.overlaps(gone)) {
                    take(other);
                    return;
                }
            }
        }
    }

    private void addLookups(StoredLease lease) {
        for (IpPrefix part : lease.subnet().parts()) {
            SubnetKey before = bySubnet.put(part, lease.subnet());
            sharedParts |= before != null && !before.equals(lease.subnet());
        }
        names.add(lease);
    }

    private void removeLookups(StoredLease lease) {
        for (IpPrefix part : lease.subnet().parts()) {
            bySubnet.remove(part, lease.subnet());
        }
        names.remove(lease);
    }
}
