package io.weft.allocator.store;

import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.watch.WatchEvent;
import io.weft.config.IpAddress;
import io.weft.config.IpFamily;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Pattern;

/** Turns etcd key-values under the prefix into config, lease or skipped records. */
final class EtcdRecordDecoder {

    /** Go's net.ParseMAC forms for a 6-octet address: colons or hyphens. */
    private static final Pattern MAC = Pattern.compile("[0-9a-fA-F]{2}([:-][0-9a-fA-F]{2}){5}");

    private final KeyLayout layout;

    EtcdRecordDecoder(KeyLayout layout) {
        this.layout = layout;
    }

    /**
     * A put (or a snapshot entry): a lease, the config, a node's or an address's claim, or a
     * skipped key with the reason. Null for weft's own keys that are not claims (nothing to
     * apply, nothing to count).
     */
    StoreEvent decodePut(KeyValue kv, boolean created) {
        String key = key(kv);
        long revision = kv.getModRevision();
        if (key.equals(layout.configKey())) {
            return new StoreEvent.ConfigPut(new StoredConfig(value(kv), revision));
        }
        if (key.startsWith(layout.weftPrefix())) {
            Optional<HostAddress> address = layout.parseAddressKey(key);
            if (address.isPresent()) {
                return new StoreEvent.AddressPut(new AddressClaim(address.get(), value(kv), revision));
            }
            return layout.parseClaimKey(key)
                    .map(node -> (StoreEvent) new StoreEvent.ClaimPut(new NodeClaim(
                            node, layout.parseLeaseKeyName(value(kv)).orElse(null), revision)))
                    .orElse(null);
        }
        Optional<SubnetKey> subnet = layout.parseLeaseKey(key);
        if (subnet.isEmpty()) {
            return new StoreEvent.Skipped(key, "not a config or subnet key", revision);
        }
        try {
            LeaseValue value = LeaseValue.parse(value(kv));
            checkAddresses(value);
            return new StoreEvent.LeasePut(new StoredLease(subnet.get(), value, kv.getLease(), revision), created);
        } catch (IllegalArgumentException e) {
            return new StoreEvent.Skipped(key, "bad lease value: " + e.getMessage(), revision, subnet.get());
        }
    }

    /** What a read of one lease key found: the lease (or skipped key), or its absence at the read's revision. */
    StoreEvent leaseState(SubnetKey subnet, GetResponse read) {
        return read.getKvs().isEmpty()
                ? new StoreEvent.LeaseDeleted(subnet, null, read.getHeader().getRevision())
                : decodePut(read.getKvs().getFirst(), false);
    }

    /** One event of an etcd watch, decoded as {@link #decodePut} or {@link #decodeDelete}; null as they. */
    StoreEvent decodeWatchEvent(WatchEvent event) {
        KeyValue kv = event.getKeyValue();
        return switch (event.getEventType()) {
            case PUT -> decodePut(kv, kv.getVersion() == 1);
            case DELETE -> decodeDelete(kv, event.getPrevKV(), kv.getModRevision());
            case UNRECOGNIZED -> null;
        };
    }

    /** A delete; the previous key-value is used when etcd sent it. Null as {@link #decodePut}. */
    StoreEvent decodeDelete(KeyValue kv, KeyValue previous, long revision) {
        String key = key(kv);
        if (key.equals(layout.configKey())) {
            return new StoreEvent.ConfigDeleted(revision);
        }
        if (key.startsWith(layout.weftPrefix())) {
            Optional<HostAddress> address = layout.parseAddressKey(key);
            if (address.isPresent()) {
                return new StoreEvent.AddressDeleted(address.get(), revision);
            }
            return layout.parseClaimKey(key)
                    .map(node -> (StoreEvent) new StoreEvent.ClaimDeleted(node, revision))
                    .orElse(null);
        }
        Optional<SubnetKey> subnet = layout.parseLeaseKey(key);
        if (subnet.isEmpty()) {
            return new StoreEvent.Skipped(key, "not a config or subnet key", revision);
        }
        StoredLease prior = null;
        if (previous != null
                && previous.getModRevision() > 0
                && decodePut(previous, false) instanceof StoreEvent.LeasePut put) {
            prior = put.lease();
        }
        return new StoreEvent.LeaseDeleted(subnet.get(), prior, revision);
    }

    /**
     * flanneld refuses a lease whose PublicIP, PublicIPv6 or VtepMAC does not parse (Go's JSON
     * decoding of those types fails), so weft does not hand such a lease to nodes either.
     */
    private static void checkAddresses(LeaseValue value) {
        checkAddress("PublicIP", value.publicIp(), IpFamily.IPV4);
        checkAddress("PublicIPv6", value.publicIpv6(), IpFamily.IPV6);
        for (VtepData vtep : new VtepData[] {value.backendData(), value.backendV6Data()}) {
            if (vtep != null
                    && !vtep.vtepMac().isEmpty()
                    && !MAC.matcher(vtep.vtepMac()).matches()) {
                throw new IllegalArgumentException("VtepMAC " + quoted(vtep.vtepMac()) + " is not a MAC address");
            }
        }
    }

    private static void checkAddress(String field, String text, IpFamily family) {
        if (text.isEmpty()) {
            return;
        }
        try {
            if (IpAddress.parse(text).family() == family) {
                return;
            }
        } catch (IllegalArgumentException e) {
            // reported below
        }
        throw new IllegalArgumentException(field + " " + quoted(text) + " is not an " + family + " address");
    }

    /** The value quoted, cut short: a bad value may be huge. */
    private static String quoted(String text) {
        return "\"" + (text.length() > 64 ? text.substring(0, 64) + "..." : text) + "\"";
    }

    private static String key(KeyValue kv) {
        return kv.getKey().toString(StandardCharsets.UTF_8);
    }

    private static String value(KeyValue kv) {
        return kv.getValue().toString(StandardCharsets.UTF_8);
    }
}
