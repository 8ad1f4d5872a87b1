package io.weft.node.agent;

import io.weft.api.v1.Lease;
import io.weft.node.backend.PeerLease;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The edge between the allocator's messages and the backends: each version of a peer's lease is
 * read into a {@link PeerLease} once, when it first appears in the watch's view, and reused by
 * every reconcile until it changes. Holds only what the last view held.
 *
 * <p>Not thread-safe: used on the agent's kernel thread.
 */
final class PeerLeases {

    private Map<Lease, PeerLease> read = Map.of();

    /** The view's leases, each read once per version. */
    List<PeerLease> of(Collection<Lease> view) {
        Map<Lease, PeerLease> next = new HashMap<>(view.size() * 2);
        List<PeerLease> peers = new ArrayList<>(view.size());
        for (Lease lease : view) {
            PeerLease peer = next.computeIfAbsent(lease, this::readOnce);
            peers.add(peer);
        }
        read = next;
        return peers;
    }

    private PeerLease readOnce(Lease lease) {
        PeerLease known = read.get(lease);
        return known != null ? known : PeerLease.of(lease);
    }
}
