package io.weft.allocator.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes node and address claims share the strings and subnet keys of the leases decoded with
 * them. Each claim is its own etcd key and decodes to its own copies of the node name, the
 * address and the subnet; one copy of each serves them all (about 300 bytes per lease). Used for
 * the start-up snapshot and for each revision the watch delivers (an acquisition writes a lease
 * and its claims in one transaction, so they arrive together).
 *
 * <p>Not thread-safe: one per batch of records.
 */
final class SharedValues {

    private final Map<Object, Object> shared = new HashMap<>();

    /** The records with every claim sharing the values of the leases among them. */
    static List<StoreEvent> within(List<StoreEvent> records) {
        SharedValues values = new SharedValues();
        records.forEach(record -> {
            if (record instanceof StoreEvent.LeasePut put) {
                values.add(put.lease());
            }
        });
        List<StoreEvent> out = new ArrayList<>(records.size());
        for (StoreEvent record : records) {
            out.add(
                    switch (record) {
                        case StoreEvent.ClaimPut put -> new StoreEvent.ClaimPut(values.share(put.claim()));
                        case StoreEvent.AddressPut put -> new StoreEvent.AddressPut(values.share(put.claim()));
                        default -> record;
                    });
        }
        return List.copyOf(out);
    }

    /** Offers a lease's node name, addresses, VTEP MACs and subnet key for sharing. */
    void add(StoredLease lease) {
        share(lease.subnet());
        share(lease.value().nodeName());
        share(lease.value().publicIp());
        share(lease.value().publicIpv6());
        for (VtepData vtep :
                new VtepData[] {lease.value().backendData(), lease.value().backendV6Data()}) {
            if (vtep != null) {
                share(vtep.vtepMac());
            }
        }
    }

    NodeClaim share(NodeClaim claim) {
        return new NodeClaim(share(claim.nodeName()), share(claim.subnet()), claim.modRevision());
    }

    AddressClaim share(AddressClaim claim) {
        HostAddress address = claim.address();
        return new AddressClaim(
                new HostAddress(address.kind(), share(address.text())), share(claim.nodeName()), claim.modRevision());
    }

    /** The first instance seen equal to value (null stays null). */
    @SuppressWarnings("unchecked")
    private <T> T share(T value) {
        return value == null ? null : (T) shared.computeIfAbsent(value, first -> first);
    }
}
