package io.weft.allocator.store;

import io.etcd.jetcd.KeyValue;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Turns etcd key-values under the prefix into config, lease or skipped records. */
final class EtcdRecordDecoder {

    private final KeyLayout layout;

    EtcdRecordDecoder(KeyLayout layout) {
        this.layout = layout;
    }

    /** A put (or a snapshot entry): a lease, the config, or a skipped key with the reason. */
    StoreEvent decodePut(KeyValue kv, boolean created) {
        String key = key(kv);
        long revision = kv.getModRevision();
        if (key.equals(layout.configKey())) {
            return new StoreEvent.ConfigPut(new StoredConfig(value(kv), revision));
        }
        Optional<SubnetKey> subnet = layout.parseLeaseKey(key);
        if (subnet.isEmpty()) {
            return new StoreEvent.Skipped(key, "not a config or subnet key", revision);
        }
        try {
            LeaseValue value = LeaseValue.parse(value(kv));
            return new StoreEvent.LeasePut(new StoredLease(subnet.get(), value, kv.getLease(), revision), created);
        } catch (IllegalArgumentException e) {
            return new StoreEvent.Skipped(key, "bad lease value: " + e.getMessage(), revision);
        }
    }

    /** A delete; the previous key-value is used when etcd sent it. */
    StoreEvent decodeDelete(KeyValue kv, KeyValue previous, long revision) {
        String key = key(kv);
        if (key.equals(layout.configKey())) {
            return new StoreEvent.ConfigDeleted(revision);
        }
        Optional<SubnetKey> subnet = layout.parseLeaseKey(key);
        if (subnet.isEmpty()) {
            return new StoreEvent.Skipped(key, "not a config or subnet key", revision);
        }
        StoredLease prior = null;
        if (previous != null && previous.getModRevision() > 0
                && decodePut(previous, false) instanceof StoreEvent.LeasePut put) {
            prior = put.lease();
        }
        return new StoreEvent.LeaseDeleted(subnet.get(), prior, revision);
    }

    private static String key(KeyValue kv) {
        return kv.getKey().toString(StandardCharsets.UTF_8);
    }

    private static String value(KeyValue kv) {
        return kv.getValue().toString(StandardCharsets.UTF_8);
    }
}
