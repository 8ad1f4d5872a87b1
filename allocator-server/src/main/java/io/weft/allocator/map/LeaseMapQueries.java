package io.weft.allocator.map;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.weft.allocator.alloc.LeaseIndex;
import io.weft.allocator.store.StoredLease;
import io.weft.config.IpPrefix;
import io.weft.config.NetworkConfig;
import io.weft.config.SubnetSpace;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The lease map's two JSON queries, answered from the server's in-memory view (never from
 * etcd): the spaces with their counts ({@code /map/state}), and the counts of equal blocks of
 * one family's space ({@code /map/blocks}), so a space of 2^32 subnets is drawn from a few
 * thousand numbers. Both cost O(leases) and are read-only.
 */
final class LeaseMapQueries {

    /** Most blocks one answer holds. */
    static final int MAX_CELLS = 65_536;

    /** Most quarantined subnets {@code /map/state} lists (the counts are always whole). */
    static final int MAX_QUARANTINED_LISTED = 65_536;

    private final LeaseIndex index;
    private final BooleanSupplier synced;
    private final InstantSource clock;

    LeaseMapQueries(LeaseIndex index, BooleanSupplier synced, InstantSource clock) {
        this.index = index;
        this.synced = synced;
        this.clock = clock;
    }

    /**
     * <pre>{"now", "synced", "configured", "backend", "revision",
     *  "families": [{"family": "ipv4", "network", "subnetLen", "min", "max", "size",
     *                "leased", "reserved", "quarantined", "free"}],
     *  "quarantined": [{"family", "subnet", "index", "until"}]}</pre>
     */
    JsonObject state() {
        Instant now = clock.instant();
        Optional<NetworkConfig> config = index.config();
        Map<IpPrefix, Instant> quarantined = index.quarantined(now);
        JsonObject state = new JsonObject()
                .put("now", now.toEpochMilli())
                .put("synced", synced.getAsBoolean())
                .put("configured", config.isPresent())
                .put("backend", config.map(c -> c.backend().type()).orElse(""))
                .put("revision", index.revision());
        JsonArray families = new JsonArray();
        JsonArray held = new JsonArray();
        for (boolean ipv6 : new boolean[] {false, true}) {
            Optional<SubnetSpace> space = space(config, ipv6);
            Optional<LeaseIndex.Usage> usage = index.usage(ipv6);
            if (space.isEmpty() || usage.isEmpty()) {
                continue;
            }
            long inQuarantine = 0;
            for (var entry : quarantined.entrySet()) {
                long at = space.get().indexOf(entry.getKey());
                if (at < 0) {
                    continue;
                }
                inQuarantine++;
                if (held.size() < MAX_QUARANTINED_LISTED) {
                    held.add(new JsonObject()
                            .put("family", family(ipv6))
                            .put("subnet", entry.getKey().toString())
                            .put("index", at)
                            .put("until", entry.getValue().toEpochMilli()));
                }
            }
            families.add(new JsonObject()
                    .put("family", family(ipv6))
                    .put("network", space.get().network().toString())
                    .put("subnetLen", space.get().subnetLength())
                    .put("min", space.get().min().toString())
                    .put("max", space.get().max().toString())
                    .put("size", space.get().size())
                    .put("leased", usage.get().leased())
                    .put("reserved", usage.get().reserved())
                    .put("quarantined", inQuarantine)
                    .put("free", usage.get().free() - inQuarantine));
        }
        return state.put("families", families).put("quarantined", held);
    }

    /**
     * Counts per block over subnets {@code from} (inclusive) to {@code to} (exclusive) of one
     * family, cut into at most {@code cells} blocks of {@code per} subnets each (the last may be
     * shorter).
     *
     * <pre>{"family", "from", "to", "per", "leased": [n...], "reserved": [n...], "quarantined": [n...]}</pre>
     *
     * @throws IllegalArgumentException naming the bad parameter and what is allowed
     */
    JsonObject blocks(Map<String, String> query) {
        String family = query.getOrDefault("family", "");
        if (!family.equals("ipv4") && !family.equals("ipv6")) {
            throw new IllegalArgumentException("family must be ipv4 or ipv6, got '" + family + "'");
        }
        boolean ipv6 = family.equals("ipv6");
        SubnetSpace space = space(index.config(), ipv6)
                .orElseThrow(() ->
                        new IllegalArgumentException("family " + family + " is not enabled in the network config"));
        long size = space.size();
        long from = number(query, "from", 0, 0, size - 1);
        long to = number(query, "to", size, from + 1, size);
        int cells = (int) number(query, "cells", 4096, 1, MAX_CELLS);
        long span = to - from;
        long per = (span + cells - 1) / cells;
        int count = (int) ((span + per - 1) / per);
        long[] leased = new long[count];
        long[] reserved = new long[count];
        long[] quarantined = new long[count];
        List<StoredLease> leases = index.all();
        for (StoredLease lease : leases) {
            IpPrefix subnet = ipv6 ? lease.subnet().ipv6() : lease.subnet().ipv4();
            long at = subnet == null ? -1 : space.indexOf(subnet);
            if (at >= from && at < to) {
                (lease.reserved() ? reserved : leased)[(int) ((at - from) / per)]++;
            }
        }
        for (IpPrefix subnet : index.quarantined(clock.instant()).keySet()) {
            long at = space.indexOf(subnet);
            if (at >= from && at < to) {
                quarantined[(int) ((at - from) / per)]++;
            }
        }
        return new JsonObject()
                .put("family", family)
                .put("from", from)
                .put("to", to)
                .put("per", per)
                .put("leased", array(leased))
                .put("reserved", array(reserved))
                .put("quarantined", array(quarantined));
    }

    private static long number(Map<String, String> query, String name, long absent, long min, long max) {
        String text = query.get(name);
        if (text == null) {
            return Math.max(min, Math.min(max, absent));
        }
        try {
            long value = Long.parseLong(text);
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException(
                name + " must be a whole number from " + min + " to " + max + ", got '" + text + "'");
    }

    private static JsonArray array(long[] counts) {
        JsonArray array = new JsonArray();
        for (long count : counts) {
            array.add(count);
        }
        return array;
    }

    private static Optional<SubnetSpace> space(Optional<NetworkConfig> config, boolean ipv6) {
        return config.flatMap(ipv6 ? NetworkConfig::ipv6 : NetworkConfig::ipv4);
    }

    private static String family(boolean ipv6) {
        return ipv6 ? "ipv6" : "ipv4";
    }
}
