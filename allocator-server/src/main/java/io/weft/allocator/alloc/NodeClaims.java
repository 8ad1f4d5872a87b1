package io.weft.allocator.alloc;

import io.weft.allocator.store.NodeClaim;
import io.weft.allocator.store.SubnetKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Each node's claim key as this server last saw it, so that a write of a node's lease can
 * compare the claim's mod revision without reading it first. A deleted claim is remembered with
 * the revision it was deleted at (a tombstone), so a late event never brings it back. Both the
 * watch and the server's own writes apply here; the newest revision wins.
 *
 * <p>Not thread-safe: {@link LeaseIndex} owns it under its lock.
 */
final class NodeClaims {

    /** subnet null: no claim (deleted, or unreadable when modRevision is not 0). */
    private record State(SubnetKey subnet, long modRevision, long changedAt) {
    }

    private final Map<String, State> byNode = new HashMap<>();

    void reset(Collection<NodeClaim> claims) {
        byNode.clear();
        claims.forEach(this::put);
    }

    void put(NodeClaim claim) {
        apply(claim.nodeName(), new State(claim.subnet(), claim.modRevision(), claim.modRevision()));
    }

    void delete(String nodeName, long revision) {
        apply(nodeName, new State(null, 0, revision));
    }

    private void apply(String nodeName, State next) {
        State current = byNode.get(nodeName);
        if (current == null || current.changedAt() < next.changedAt()) {
            byNode.put(nodeName, next);
        }
    }

    /** The claim key's mod revision as last seen: 0 when it is absent or was never seen. */
    long modRevision(String nodeName) {
        State state = byNode.get(nodeName);
        return state == null ? 0 : state.modRevision();
    }

    /** The lease the node's claim names, if it names one. */
    Optional<SubnetKey> subnet(String nodeName) {
        return Optional.ofNullable(byNode.get(nodeName)).map(State::subnet);
    }
}
