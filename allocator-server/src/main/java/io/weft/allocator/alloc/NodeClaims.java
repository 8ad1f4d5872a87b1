package io.weft.allocator.alloc;

import io.weft.allocator.store.NodeClaim;
import io.weft.allocator.store.SubnetKey;
import java.util.Collection;
import java.util.Optional;

/**
 * Each node's claim key as this server last saw it, so that a write of a node's lease can
 * compare the claim's mod revision without reading it first. Both the watch and the server's
 * own writes apply here; the newest revision wins ({@link NewestByRevision}).
 *
 * <p>Not thread-safe: {@link LeaseIndex} owns it under its lock.
 */
final class NodeClaims {

    private final NewestByRevision<String, NodeClaim> byNode = new NewestByRevision<>(NodeClaim::modRevision);

    void reset(Collection<NodeClaim> claims) {
        byNode.clear();
        claims.forEach(this::put);
    }

    void put(NodeClaim claim) {
        byNode.put(claim.nodeName(), claim, claim.modRevision());
    }

    void delete(String nodeName, long revision) {
        byNode.delete(nodeName, revision);
    }

    /** The claim key's mod revision as last seen: 0 when it is absent or was never seen. */
    long modRevision(String nodeName) {
        return byNode.get(nodeName).map(NodeClaim::modRevision).orElse(0L);
    }

    /** The lease the node's claim names, if it names one (a claim whose value does not parse names none). */
    Optional<SubnetKey> subnet(String nodeName) {
        return byNode.get(nodeName).map(NodeClaim::subnet);
    }
}
