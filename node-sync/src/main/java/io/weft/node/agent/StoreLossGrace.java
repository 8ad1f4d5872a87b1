package io.weft.node.agent;

import io.weft.api.v1.Lease;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Tells a lost store from peers leaving. When etcd loses its data and is refilled, the watch
 * delivers a reset snapshot without this node's lease and without most peers; taken literally,
 * every route to every peer would be removed, though every peer is still there and is about to
 * re-acquire its subnet. So a reset that drops this node's own lease together with more than half
 * of its peers keeps the dropped peers for a grace period: they stay programmed until they come
 * back (their lease reappears and replaces the kept one) or the grace period ends.
 *
 * <p>Not thread-safe: the owner ({@link PeerEvents}) serialises calls. Time is passed in.
 */
final class StoreLossGrace {

    /** What a reset started: how many peers are kept, out of how many, and until when. */
    record Started(int kept, int peersBefore, Instant until) {}

    private final String nodeName;
    private final Duration grace;
    private final Map<String, Lease> kept = new HashMap<>();
    private Instant until;

    StoreLossGrace(String nodeName, Duration grace) {
        this.nodeName = nodeName;
        this.grace = grace;
    }

    /**
     * A reset replaced {@code before} (the view last published) with {@code after}. Starts a grace
     * period when it looks like a lost store; a grace of zero turns this off.
     */
    Optional<Started> reset(Map<String, Lease> before, Map<String, Lease> after, Instant now) {
        if (grace.isZero() || !holdsOwn(before) || holdsOwn(after)) {
            return Optional.empty();
        }
        Map<String, Lease> dropped = new HashMap<>();
        int peersBefore = 0;
        for (Map.Entry<String, Lease> entry : before.entrySet()) {
            if (isOwn(entry.getValue())) {
                continue;
            }
            peersBefore++;
            if (!after.containsKey(entry.getKey())) {
                dropped.put(entry.getKey(), entry.getValue());
            }
        }
        if (peersBefore == 0 || dropped.size() * 2 <= peersBefore) {
            return Optional.empty();
        }
        kept.putAll(dropped);
        until = now.plus(grace);
        return Optional.of(new Started(dropped.size(), peersBefore, until));
    }

    /**
     * The leases to program: {@code live} plus the kept peers that have not come back. A kept peer
     * is forgotten once a live lease has its key or its node name.
     */
    Map<String, Lease> view(Map<String, Lease> live) {
        if (kept.isEmpty()) {
            return Map.copyOf(live);
        }
        Set<String> liveNames = new HashSet<>();
        live.values().forEach(lease -> liveNames.add(lease.getNodeName()));
        kept.entrySet()
                .removeIf(entry -> live.containsKey(entry.getKey())
                        || !entry.getValue().getNodeName().isEmpty()
                                && liveNames.contains(entry.getValue().getNodeName()));
        Map<String, Lease> view = new HashMap<>(kept);
        view.putAll(live);
        return Map.copyOf(view);
    }

    /** When the grace period ends (empty when none runs). */
    Optional<Instant> until() {
        return kept.isEmpty() ? Optional.empty() : Optional.ofNullable(until);
    }

    /** At or after the end of the grace period: forgets the peers that never came back and names them. */
    List<Lease> expire(Instant now) {
        if (kept.isEmpty() || now.isBefore(until)) {
            return List.of();
        }
        List<Lease> gone = List.copyOf(kept.values());
        kept.clear();
        until = null;
        return gone;
    }

    private boolean holdsOwn(Map<String, Lease> leases) {
        return leases.values().stream().anyMatch(this::isOwn);
    }

    private boolean isOwn(Lease lease) {
        return lease.getNodeName().equals(nodeName);
    }
}
