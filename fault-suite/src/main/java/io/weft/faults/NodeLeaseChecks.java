package io.weft.faults;

import io.weft.faults.Violation.Rule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;

/**
 * The rules on one node name's leases, across replicas, retries and lost replies:
 *
 * <ul>
 *   <li>{@link Rule#NODE_TWO_LEASES}: replaying etcd's history, after every revision each node
 *       name holds at most one lease key. The state is judged between revisions, never inside one:
 *       a transaction that deletes a node's old key and puts its new one at the same revision moves
 *       the node (the server does so when a forced config change leaves its subnet outside the
 *       range); a put of the new key at one revision and the delete of the old at a later one left
 *       the node holding two in between, which peers see and program. Keys without a node name
 *       (written by flanneld) are exempt: flanneld identifies a host by its public IP only.</li>
 *   <li>{@link Rule#ROUND_ANSWERS_DIFFER}: every answer of one {@link AcquisitionRound} (one node
 *       name asking two replicas at once) names the same subnet.</li>
 *   <li>{@link Rule#LOST_REPLY_NOT_RETURNED}: after a {@link DroppedReply} of an acquisition or
 *       renewal that committed subnet S at revision R, the node's next acknowledgement (its retry's
 *       answer) names S, unless etcd let S go between R and that answer's revision (expired,
 *       released, or taken over after expiry). A lost reply is not itself a violation: the node
 *       was told "failed" and holds nothing in its own eyes, while etcd holds S for it; what must
 *       not happen is a second subnet, or an answer older than the lost commit. A dropped reply
 *       naming a write etcd never made is an {@link Rule#ACK_NOT_IN_ETCD}.</li>
 * </ul>
 */
final class NodeLeaseChecks {

    private NodeLeaseChecks() {}

    static void checkOneLeasePerNode(EtcdReplay replay, BiConsumer<Rule, String> report) {
        Map<String, String> holderBySubnet = new HashMap<>();
        Map<String, Long> writtenAt = new HashMap<>();
        Map<String, Set<String>> subnetsByNode = new HashMap<>();
        Set<String> reported = new HashSet<>(); // nodes already reported for their current double holding
        List<EtcdChange> changes = replay.changes();
        for (int i = 0; i < changes.size(); ) {
            long revision = changes.get(i).revision();
            Set<String> touched = new HashSet<>();
            for (; i < changes.size() && changes.get(i).revision() == revision; i++) {
                EtcdChange change = changes.get(i);
                String before = change.isDelete()
                        ? holderBySubnet.remove(change.subnet())
                        : holderBySubnet.put(change.subnet(), change.node());
                if (before != null) {
                    subnetsByNode.get(before).remove(change.subnet());
                    touched.add(before);
                }
                if (!change.isDelete()) {
                    writtenAt.put(change.subnet(), change.revision());
                    subnetsByNode
                            .computeIfAbsent(change.node(), n -> new TreeSet<>())
                            .add(change.subnet());
                    touched.add(change.node());
                }
            }
            for (String node : touched) {
                Set<String> held = subnetsByNode.getOrDefault(node, Set.of());
                if (node.isEmpty() || held.size() < 2) {
                    reported.remove(node);
                } else if (reported.add(node)) {
                    report.accept(
                            Rule.NODE_TWO_LEASES,
                            "after revision " + revision + " " + node + " holds " + held.size() + " leases: "
                                    + describe(held, writtenAt));
                }
            }
        }
    }

    static void checkRounds(List<AcquisitionRound> rounds, BiConsumer<Rule, String> report) {
        for (AcquisitionRound round : rounds) {
            if (new HashSet<>(round.subnets()).size() > 1) {
                report.accept(
                        Rule.ROUND_ANSWERS_DIFFER,
                        round.node() + " asked two replicas at once and was answered " + round.subnets()
                                + " (last answer at " + round.at() + ")");
            }
        }
    }

    static void checkLostReplies(
            List<DroppedReply> drops,
            Map<String, List<NodeRecord>> recordsByNodeInTimeOrder,
            EtcdReplay replay,
            BiConsumer<Rule, String> report) {
        for (DroppedReply drop : drops) {
            if (!drop.namedLease()) {
                continue;
            }
            boolean committed = replay.find(drop.revision(), drop.subnet())
                    .filter(change -> drop.node().equals(change.node()))
                    .isPresent();
            if (!committed) {
                report.accept(
                        Rule.ACK_NOT_IN_ETCD,
                        drop.node() + "'s dropped " + drop.call() + " reply named " + drop.subnet() + " at revision "
                                + drop.revision() + ", which wrote no such lease");
                continue;
            }
            NodeRecord.Acked next =
                    nextAcknowledgement(drop, recordsByNodeInTimeOrder.getOrDefault(drop.node(), List.of()));
            if (next == null || next.subnet().equals(drop.subnet())) {
                continue;
            }
            long upTo = Math.max(drop.revision(), next.modRevision());
            boolean heldThroughout = replay.between(drop.revision(), upTo).stream()
                    .filter(change -> change.subnet().equals(drop.subnet()))
                    .allMatch(change -> drop.node().equals(change.node()));
            if (heldThroughout) {
                report.accept(
                        Rule.LOST_REPLY_NOT_RETURNED,
                        drop.node() + "'s " + drop.call() + " committed "
                                + drop.subnet() + " at revision " + drop.revision() + " (reply dropped at " + drop.at()
                                + ") but its next answer named " + next.subnet() + " at revision " + next.modRevision()
                                + " while etcd still held " + drop.subnet() + " for it");
            }
        }
    }

    private static NodeRecord.Acked nextAcknowledgement(DroppedReply drop, List<NodeRecord> own) {
        for (NodeRecord record : own) {
            if (record instanceof NodeRecord.Acked acked && !acked.at().isBefore(drop.at())) {
                return acked;
            }
        }
        return null;
    }

    private static String describe(Set<String> subnets, Map<String, Long> writtenAt) {
        List<String> parts = new ArrayList<>();
        for (String subnet : subnets) {
            parts.add(subnet + " (written at revision " + writtenAt.get(subnet) + ")");
        }
        return String.join(", ", parts);
    }
}
