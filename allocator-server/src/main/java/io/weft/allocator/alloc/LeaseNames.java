package io.weft.allocator.alloc;

import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The leases by what names their host: node name, public IPv4, public IPv6 and VTEP MAC (in
 * {@link io.weft.allocator.store.VtepData#normalMac} form). Not thread-safe: {@link LeaseIndex}
 * owns it under its lock.
 */
final class LeaseNames {

    private final LookupTable byNode = new LookupTable();
    private final LookupTable byPublicIp = new LookupTable();
    private final LookupTable byPublicIpv6 = new LookupTable();
    private final LookupTable byVtepMac = new LookupTable();

    void add(StoredLease lease) {
        byNode.add(lease.nodeName(), lease.subnet());
        byPublicIp.add(lease.value().publicIp(), lease.subnet());
        byPublicIpv6.add(lease.value().publicIpv6(), lease.subnet());
        lease.value().vtepMacs().forEach(mac -> byVtepMac.add(mac, lease.subnet()));
    }

    void remove(StoredLease lease) {
        byNode.remove(lease.nodeName(), lease.subnet());
        byPublicIp.remove(lease.value().publicIp(), lease.subnet());
        byPublicIpv6.remove(lease.value().publicIpv6(), lease.subnet());
        lease.value().vtepMacs().forEach(mac -> byVtepMac.remove(mac, lease.subnet()));
    }

    void clear() {
        byNode.clear();
        byPublicIp.clear();
        byPublicIpv6.clear();
        byVtepMac.clear();
    }

    Optional<SubnetKey> node(String nodeName) {
        return byNode.find(nodeName);
    }

    Optional<SubnetKey> publicIp(String publicIp) {
        return byPublicIp.find(publicIp);
    }

    /** Every lease carrying the address as its public IPv4 or IPv6 or its VTEP MAC. */
    List<SubnetKey> carrying(String address) {
        List<SubnetKey> found = new ArrayList<>(byPublicIp.all(address));
        found.addAll(byPublicIpv6.all(address));
        found.addAll(byVtepMac.all(address));
        return found.stream().distinct().toList();
    }
}
