package io.weft.allocator.security;

import java.util.List;
import java.util.Optional;

/** What a call tries to do, in the terms the {@link AccessPolicy} decides on. */
public sealed interface Attempt {

    /** Reads leases, the config or usage, or watches: open to every authenticated caller. */
    record Read() implements Attempt {}

    /**
     * Changes what belongs to everyone (the network config or reservations), or reads beyond what
     * nodes need (the consistency check reads etcd's lease table).
     *
     * @param action what is attempted, for the refusal message ("set the network config")
     */
    record Administer(String action) implements Attempt {}

    /**
     * Acquires, renews or releases one node's lease.
     *
     * @param verb          "acquire", "renew" or "release"
     * @param requestedNode the request's node_name ("" when a release names no node)
     * @param subnet        the request's subnet text ("" for acquire)
     * @param holder        the node name the lease on {@code subnet} is held by now ("" for a
     *                      flanneld lease); empty when no lease holds it or it was not looked up
     * @param publicIps     the public IPs the request gives for the node (acquire), as written
     */
    record OnLease(String verb, String requestedNode, String subnet, Optional<String> holder, List<String> publicIps)
            implements Attempt {

        public OnLease(String verb, String requestedNode, String subnet, Optional<String> holder) {
            this(verb, requestedNode, subnet, holder, List.of());
        }
    }
}
