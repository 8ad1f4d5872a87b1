package io.weft.allocator.service;

import com.google.protobuf.Timestamp;
import io.weft.allocator.store.StoredLease;
import io.weft.allocator.store.SubnetKey;
import io.weft.allocator.store.VtepData;
import io.weft.api.v1.Lease;
import io.weft.api.v1.VxlanBackendData;
import io.weft.api.v1.WatchLeasesResponse;
import java.time.Instant;
import java.util.Optional;

/** Builds the API's {@link Lease} messages, and the watch events that carry them, from stored leases. */
final class LeaseMessages {

    private final ExpiryTracker expiries;

    LeaseMessages(ExpiryTracker expiries) {
        this.expiries = expiries;
    }

    Lease toMessage(StoredLease stored, long readRevision) {
        return toMessage(
                stored, readRevision, stored.reserved() ? Optional.empty() : expiries.expiry(stored.etcdLeaseId()));
    }

    /** The ADDED (created) or MODIFIED event of a lease key written at its mod revision. */
    WatchLeasesResponse putEvent(StoredLease lease, boolean created) {
        return WatchLeasesResponse.newBuilder()
                .setType(created ? WatchLeasesResponse.Type.ADDED : WatchLeasesResponse.Type.MODIFIED)
                .setRevision(lease.modRevision())
                .setLease(toMessage(lease, lease.modRevision()))
                .build();
    }

    /**
     * The REMOVED event of a lease key deleted at atRevision: shown is the lease it held last
     * (null when unknown: then only the subnet is named).
     */
    WatchLeasesResponse removedEvent(SubnetKey subnet, StoredLease shown, String reason, long atRevision) {
        WatchLeasesResponse.Builder event = WatchLeasesResponse.newBuilder()
                .setType(WatchLeasesResponse.Type.REMOVED)
                .setRevision(atRevision)
                .setReason(reason);
        if (shown != null) {
            event.setLease(toMessage(shown, atRevision));
        } else {
            event.getLeaseBuilder()
                    .setSubnet(subnet.ipv4() == null ? "" : subnet.ipv4().toString())
                    .setIpv6Subnet(subnet.ipv6() == null ? "" : subnet.ipv6().toString());
        }
        return event.build();
    }

    static Lease toMessage(StoredLease stored, long readRevision, Optional<Instant> expiry) {
        Lease.Builder lease = Lease.newBuilder()
                .setNodeName(stored.nodeName())
                .setPublicIp(stored.value().publicIp())
                .setPublicIpv6(stored.value().publicIpv6())
                .setBackendType(stored.value().backendType())
                .setReserved(stored.reserved())
                .setModRevision(stored.modRevision())
                .setRevision(readRevision);
        if (stored.subnet().ipv4() != null) {
            lease.setSubnet(stored.subnet().ipv4().toString());
        }
        if (stored.subnet().ipv6() != null) {
            lease.setIpv6Subnet(stored.subnet().ipv6().toString());
        }
        if (stored.value().backendData() != null) {
            lease.setVxlan(vxlan(stored.value().backendData()));
        }
        if (stored.value().backendV6Data() != null) {
            lease.setVxlanV6(vxlan(stored.value().backendV6Data()));
        }
        expiry.ifPresent(at -> lease.setExpireTime(
                Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano())));
        return lease.build();
    }

    private static VxlanBackendData vxlan(VtepData data) {
        return VxlanBackendData.newBuilder()
                .setVni((int) data.vni())
                .setVtepMac(data.vtepMac())
                .build();
    }
}
