package io.weft.allocator.alloc;

import io.weft.allocator.store.AddressClaim;
import io.weft.allocator.store.AddressFence;
import io.weft.allocator.store.AddressFences;
import io.weft.allocator.store.HostAddress;
import io.weft.allocator.store.LeaseValue;
import io.weft.allocator.store.StoredLease;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One host per lease: a public IP (per family) and a VTEP MAC belong to one node's lease, and a
 * node's live lease to the host that acquired it. Decides from the index whether an
 * acquisition would break that, and which address claims a write of a node's lease must put or
 * delete (each fenced by the revision seen here, so a decision made on a stale view fails its
 * compare in etcd instead of giving one address to two nodes); pure logic, no I/O. Leases
 * flanneld wrote (no node name) are exempt: a weft node takes its own host's flanneld lease over
 * by its public IP.
 */
public final class HostOwnership {

    /** What a write does about addresses another node's claim holds. */
    public enum Mode {
        /** Acquiring: a live claim of another node on a wanted address means no write. */
        ACQUIRE,
        /** Renewing the lease as it is: an address another node holds is left to that node. */
        RENEW
    }

    /** Why the acquisition must be refused, naming the holder and what to do; empty when it may go on. */
    public Optional<String> conflict(LeaseValue wanted, boolean takeover, LeaseIndex index) {
        String node = wanted.nodeName();
        for (HostAddress address : HostAddress.of(wanted)) {
            Optional<String> holder = index.addressHolder(address)
                    .filter(claim -> live(claim, node, index))
                    .map(AddressClaim::nodeName)
                    .or(() -> index.carrying(address.text()).stream()
                            .map(StoredLease::nodeName)
                            .filter(other -> !other.isEmpty() && !other.equals(node))
                            .findFirst());
            if (holder.isPresent()) {
                String held = index.byNode(holder.get())
                        .map(lease -> lease.subnet().toString())
                        .or(() -> index.claimedBy(holder.get()).map(Object::toString))
                        .orElse("a lease");
                return Optional.of(address.kind().field() + ": " + address.text() + " belongs to node \""
                        + holder.get() + "\", which holds " + held + "; one host, one lease: give this node its"
                        + " own address, or release that lease first");
            }
        }
        if (takeover) {
            return Optional.empty();
        }
        HostAddresses asking = HostAddresses.of(wanted);
        return index.byNode(node)
                .filter(held -> !held.reserved())
                .flatMap(held -> asking.mismatch(held.value())
                        .map(theirs -> "node \"" + node + "\" holds " + held.subnet() + " for the host with " + theirs
                                + ", not this one (" + asking.describe() + "): two hosts share the name. If this host"
                                + " replaced that one, release the lease first, start weft-node with --takeover, or let"
                                + " it expire"));
    }

    /**
     * The address claims a write of value (the node's lease as it will be) puts and deletes:
     * every address it carries is put, fenced by its claim's revision as seen (0 when absent);
     * every other address the node holds is deleted. Empty when acquiring and another node's
     * live claim holds a wanted address: decide again (and refuse).
     */
    public Optional<AddressFences> fences(LeaseValue value, Mode mode, LeaseIndex index) {
        String node = value.nodeName();
        if (node.isEmpty()) {
            return Optional.of(AddressFences.NONE); // flanneld's leases claim nothing
        }
        List<HostAddress> carried = HostAddress.of(value);
        List<AddressFence> put = new ArrayList<>();
        for (HostAddress address : carried) {
            Optional<AddressClaim> holder = index.addressHolder(address);
            if (holder.isPresent() && live(holder.get(), node, index)) {
                if (mode == Mode.ACQUIRE) {
                    return Optional.empty();
                }
                continue;
            }
            put.add(new AddressFence(
                    address, holder.map(AddressClaim::modRevision).orElse(0L)));
        }
        List<AddressFence> delete = index.addressesHeldBy(node).stream()
                .filter(claim -> !carried.contains(claim.address()))
                .map(claim -> new AddressFence(claim.address(), claim.modRevision()))
                .toList();
        return Optional.of(new AddressFences(put, delete));
    }

    /** The fences that delete every address claim the node holds (its lease is going away). */
    public List<AddressFence> releasing(String nodeName, LeaseIndex index) {
        return index.addressesHeldBy(nodeName).stream()
                .map(claim -> new AddressFence(claim.address(), claim.modRevision()))
                .toList();
    }

    /**
     * Whether another node's claim on an address stands. A claim is stale (and may be taken,
     * fenced by its revision) only when this server's watch has seen its revision and the
     * holder's lease does not carry the address: its lease was deleted or rewritten by hand.
     * A claim learnt ahead of the watch stands until the watch confirms it.
     */
    private static boolean live(AddressClaim claim, String asking, LeaseIndex index) {
        if (claim.nodeName().equals(asking)) {
            return false;
        }
        if (claim.modRevision() > index.revision()) {
            return true;
        }
        return index.byNode(claim.nodeName())
                .filter(lease -> HostAddress.of(lease.value()).contains(claim.address()))
                .isPresent();
    }
}
