package io.weft.allocator.alloc;

import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.VtepData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The addresses that make a host: its public IPv4 and IPv6 and its IPv4 VTEP's MAC (normal
 * form). An empty part is unknown and matches anything.
 */
public record HostAddresses(String publicIp, String publicIpv6, String vtepMac) {

    public HostAddresses {
        vtepMac = new VtepData(0, vtepMac).normalMac();
    }

    public static HostAddresses of(LeaseValue value) {
        VtepData vtep = value.backendData() != null ? value.backendData() : value.backendV6Data();
        return new HostAddresses(value.publicIp(), value.publicIpv6(), vtep == null ? "" : vtep.vtepMac());
    }

    /** Where the lease names another host than this one, in words ("public IP 10.0.0.2, ..."); empty when it does not. */
    public Optional<String> mismatch(LeaseValue lease) {
        HostAddresses other = of(lease);
        List<String> differences = new ArrayList<>();
        differ("public IP ", publicIp, other.publicIp, differences);
        differ("public IPv6 ", publicIpv6, other.publicIpv6, differences);
        differ("VTEP MAC ", vtepMac, other.vtepMac, differences);
        return differences.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", differences));
    }

    /** This host's parts, worded as {@link #mismatch} words the lease's. */
    public String describe() {
        List<String> parts = new ArrayList<>();
        add("public IP ", publicIp, parts);
        add("public IPv6 ", publicIpv6, parts);
        add("VTEP MAC ", vtepMac, parts);
        return String.join(", ", parts);
    }

    private static void differ(String what, String mine, String theirs, List<String> differences) {
        if (!mine.isEmpty() && !theirs.isEmpty() && !mine.equals(theirs)) {
            differences.add(what + theirs);
        }
    }

    private static void add(String what, String value, List<String> parts) {
        if (!value.isEmpty()) {
            parts.add(what + value);
        }
    }
}
