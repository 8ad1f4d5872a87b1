package io.weft.allocator.store;

/**
 * A change under the prefix, in etcd's revision order, as delivered by {@link LeaseStore#watch}.
 */
public sealed interface StoreEvent {

    long revision();

    /** A lease key was created or rewritten. {@code created} is true for a new key. */
    record LeasePut(StoredLease lease, boolean created) implements StoreEvent {
        @Override
        public long revision() {
            return lease.modRevision();
        }
    }

    /** A lease key was deleted (released, expired or removed by hand); previous may be null. */
    record LeaseDeleted(SubnetKey subnet, StoredLease previous, long revision) implements StoreEvent {}

    /** A node's claim key was written. */
    record ClaimPut(NodeClaim claim) implements StoreEvent {
        @Override
        public long revision() {
            return claim.modRevision();
        }
    }

    /** A node's claim key was deleted (its lease released or expired with it). */
    record ClaimDeleted(String nodeName, long revision) implements StoreEvent {}

    /** An address's claim key was written. */
    record AddressPut(AddressClaim claim) implements StoreEvent {
        @Override
        public long revision() {
            return claim.modRevision();
        }
    }

    /** An address's claim key was deleted (its lease released, expired or moved off it). */
    record AddressDeleted(HostAddress address, long revision) implements StoreEvent {}

    /** The config key was written. */
    record ConfigPut(StoredConfig config) implements StoreEvent {
        @Override
        public long revision() {
            return config.modRevision();
        }
    }

    /** The config key was deleted. */
    record ConfigDeleted(long revision) implements StoreEvent {}

    /**
     * A key under the prefix that is not a lease or whose value does not parse: skipped. subnet
     * is the subnet the key names when it is a well-formed lease key holding a bad value (the
     * subnet is still taken in etcd), else null.
     */
    record Skipped(String key, String reason, long revision, SubnetKey subnet) implements StoreEvent {

        /** Longest key or reason text kept: both go into log lines, and a key may be huge. */
        static final int MAX_TEXT = 200;

        /** Key and reason come from whoever wrote etcd: made printable and cut before any log line. */
        public Skipped {
            key = printable(key);
            reason = printable(reason);
        }

        public Skipped(String key, String reason, long revision) {
            this(key, reason, revision, null);
        }

        private static String printable(String text) {
            StringBuilder out = new StringBuilder();
            int i = 0;
            for (; i < text.length() && out.length() < MAX_TEXT; i++) {
                char c = text.charAt(i);
                out.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
            }
            return i < text.length() ? out + "..." : out.toString();
        }
    }
}
