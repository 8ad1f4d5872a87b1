package io.weft.allocator.alloc;

import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoredLease;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One host per lease: a public IP (per family) and a VTEP MAC belong to one node's lease, and a
 * node's live lease to the host that acquired it. Decides from the index whether an
 * acquisition would break that; pure logic, no I/O. Leases flanneld wrote (no node name) are
 * exempt: a weft node takes its own host's flanneld lease over by its public IP.
 */
public final class HostOwnership {

    /** A request field and its value. */
    private record Address(String field, String value) {
    }

    /** Why the acquisition must be refused, naming the holder and what to do; empty when it may go on. */
    public Optional<String> conflict(LeaseValue wanted, boolean takeover, LeaseIndex index) {
        String node = wanted.nodeName();
        List<Address> addresses = new ArrayList<>();
        addresses.add(new Address("public_ip", wanted.publicIp()));
        addresses.add(new Address("public_ipv6", wanted.publicIpv6()));
        wanted.vtepMacs().forEach(mac -> addresses.add(new Address("vxlan.vtep_mac", mac)));
        for (Address address : addresses) {
            if (address.value().isEmpty()) {
                continue;
            }
            for (StoredLease other : index.carrying(address.value())) {
                if (!other.nodeName().isEmpty() && !other.nodeName().equals(node)) {
                    return Optional.of(address.field() + ": " + address.value() + " belongs to node \"" + other.nodeName()
                            + "\", which holds " + other.subnet() + "; one host, one lease: give this node its own"
                            + " address, or release that lease first");
                }
            }
        }
        if (takeover) {
            return Optional.empty();
        }
        HostAddresses asking = HostAddresses.of(wanted);
        return index.byNode(node).filter(held -> !held.reserved()).flatMap(held -> asking.mismatch(held.value())
                .map(theirs -> "node \"" + node + "\" holds " + held.subnet() + " for the host with " + theirs
                        + ", not this one (" + asking.describe() + "): two hosts share the name. If this host"
                        + " replaced that one, release the lease first, start weft-node with --takeover, or let"
                        + " it expire"));
    }
}
