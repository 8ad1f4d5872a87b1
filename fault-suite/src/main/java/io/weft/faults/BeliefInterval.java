package io.weft.faults;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A stretch of wall-clock time during which one node had the allocator's word that a subnet was
 * its own: from the acknowledgement's arrival to the earliest of the acknowledged expiry, the node
 * giving the subnet up (release), its keeper reporting the lease lost, or an acknowledgement of a
 * different subnet. Renewals that arrive before the previous expiry extend the stretch; one that
 * arrives later starts a new stretch (the node had no claim in between).
 */
record BeliefInterval(String node, String subnet, Instant from, Instant until) {

    /** Every node's intervals, from its records (in any order; each node's are sorted by time). */
    static List<BeliefInterval> of(List<NodeRecord> records) {
        Map<String, List<NodeRecord>> byNode = records.stream().collect(Collectors.groupingBy(NodeRecord::node));
        List<BeliefInterval> intervals = new ArrayList<>();
        for (List<NodeRecord> own : byNode.values()) {
            List<NodeRecord> sorted = new ArrayList<>(own);
            sorted.sort(Comparator.comparing(NodeRecord::at));
            intervals.addAll(ofOneNode(sorted));
        }
        return intervals;
    }

    private static List<BeliefInterval> ofOneNode(List<NodeRecord> records) {
        List<BeliefInterval> intervals = new ArrayList<>();
        BeliefInterval open = null;
        for (NodeRecord record : records) {
            switch (record) {
                case NodeRecord.Acked acked -> {
                    if (open != null
                            && open.subnet.equals(acked.subnet())
                            && !acked.at().isAfter(open.until)) {
                        open = open.extendedTo(acked.expireTime());
                    } else {
                        closeInto(intervals, open, acked.at());
                        open = new BeliefInterval(acked.node(), acked.subnet(), acked.at(), acked.expireTime());
                    }
                }
                case NodeRecord.Released released -> {
                    closeInto(intervals, open, released.at());
                    open = null;
                }
                case NodeRecord.Lost lost -> {
                    closeInto(intervals, open, lost.at());
                    open = null;
                }
            }
        }
        closeInto(intervals, open, Instant.MAX);
        return intervals;
    }

    private static void closeInto(List<BeliefInterval> intervals, BeliefInterval open, Instant at) {
        if (open == null) {
            return;
        }
        Instant end = at.isBefore(open.until) ? at : open.until;
        if (end.isAfter(open.from)) {
            intervals.add(new BeliefInterval(open.node, open.subnet, open.from, end));
        }
    }

    private BeliefInterval extendedTo(Instant expiry) {
        return expiry.isAfter(until) ? new BeliefInterval(node, subnet, from, expiry) : this;
    }

    boolean overlaps(BeliefInterval other) {
        return from.isBefore(other.until) && other.from.isBefore(until);
    }
}
