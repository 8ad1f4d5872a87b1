package io.weft.faults;

import io.weft.config.IpPrefix;
import io.weft.faults.Violation.Rule;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Checks a run's {@link History}. Pure: no I/O, no clock. The rules, and why each is sound:
 *
 * <ul>
 *   <li>{@link Rule#ETCD_OVERWRITE}: replaying etcd's history in revision order, a put never
 *       replaces a key held by another node. A key exists only while its etcd lease lives, so
 *       such a put takes a live lease away; revision order is etcd's own total order, free of
 *       clock doubts.</li>
 *   <li>{@link Rule#ETCD_OVERLAP}: at no revision do two keys with overlapping subnets exist.</li>
 *   <li>{@link Rule#BELIEF_OVERLAP}: no two nodes' {@link BeliefInterval}s on one subnet
 *       intersect. Each interval starts when the acknowledgement arrived and ends no later than
 *       the expiry the server promised; everything runs on one host, so these times share a clock.
 *       An overlap means a node was still entitled to a subnet another had been given.</li>
 *   <li>{@link Rule#SUBNET_CHANGED}: a node that kept renewing kept its subnet. "Kept renewing"
 *       means: no release, no reported loss, and each acknowledgement arriving before the
 *       previous one's expiry; within such a stretch every acknowledgement names one subnet.</li>
 *   <li>{@link Rule#ACK_NOT_IN_ETCD} / {@link Rule#RELEASE_NOT_IN_ETCD}: every acknowledged
 *       acquisition or renewal is a put of that key, with that node, at the revision the server
 *       reported; every acknowledged release is a delete at its reported revision.</li>
 *   <li>{@link Rule#ACK_MISSING_AT_END}: a node whose last record is an acknowledgement still
 *       unexpired when the final state was read holds that key in it, at that write or a later
 *       one. An expired one may legitimately be gone (that is the only supersession allowed).</li>
 *   <li>{@link Rule#HISTORY_INCOMPLETE}: the recorded history replays to exactly the final
 *       state; otherwise the rules above were fed a partial history and the run cannot pass.</li>
 *   <li>One node, one lease ({@link Rule#NODE_TWO_LEASES}: no node name holds two keys after any
 *       revision), answers of a two-replica round that agree, and retries after a lost reply that
 *       return the lease committed: see {@link NodeLeaseChecks}. A lost reply is never counted
 *       against the acknowledgement rules: the node was told nothing, so it believes nothing.</li>
 *   <li>Watcher rules: see {@link WatcherChecks}.</li>
 * </ul>
 */
public final class HistoryChecker {

    /** At most this many details per rule are kept; the count covers all. */
    static final int DETAILS_PER_RULE = 20;

    private final List<Violation> found = new ArrayList<>();
    private final Map<Rule, Integer> counts = new HashMap<>();

    private HistoryChecker() {}

    /** Every violation in {@code history}: details for the first few of each rule, then counts. */
    public static Result check(History history) {
        HistoryChecker checker = new HistoryChecker();
        EtcdReplay replay = new EtcdReplay(history.etcdChanges());
        checker.checkCompleteness(history, replay);
        checker.checkEtcdOrder(replay);
        checker.checkBeliefs(history.nodeRecords());
        checker.checkKeptSubnets(history.nodeRecords());
        checker.checkAcksInEtcd(history.nodeRecords(), replay);
        checker.checkAcksAtEnd(history);
        NodeLeaseChecks.checkOneLeasePerNode(replay, checker::report);
        NodeLeaseChecks.checkRounds(history.rounds(), checker::report);
        NodeLeaseChecks.checkLostReplies(
                history.droppedReplies(), byNodeInTimeOrder(history.nodeRecords()), replay, checker::report);
        for (WatcherLog watcher : history.watchers()) {
            WatcherChecks.check(watcher, replay, history.quietRevision(), checker::report);
        }
        return new Result(List.copyOf(checker.found), Map.copyOf(checker.counts));
    }

    /** The violations found (at most {@link #DETAILS_PER_RULE} per rule) and how many of each. */
    public record Result(List<Violation> details, Map<Rule, Integer> counts) {
        public int total() {
            return counts.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    void report(Rule rule, String detail) {
        int count = counts.merge(rule, 1, Integer::sum);
        if (count <= DETAILS_PER_RULE) {
            found.add(new Violation(rule, detail));
        }
    }

    private void checkCompleteness(History history, EtcdReplay replay) {
        if (!history.historyComplete()) {
            report(Rule.HISTORY_INCOMPLETE, "the recording of etcd's history broke off");
        }
        Map<String, HeldLease> replayed = replay.stateAt(history.finalRevision());
        if (!replayed.equals(history.finalState())) {
            report(
                    Rule.HISTORY_INCOMPLETE,
                    "history replayed to revision " + history.finalRevision() + " differs from etcd's state: "
                            + difference(replayed, history.finalState()));
        }
    }

    private void checkEtcdOrder(EtcdReplay replay) {
        Map<String, HeldLease> state = new HashMap<>();
        Map<String, IpPrefix> prefixes = new HashMap<>();
        for (EtcdChange change : replay.changes()) {
            if (!change.isDelete()) {
                HeldLease before = state.get(change.subnet());
                if (before != null && !before.node().equals(change.node())) {
                    report(
                            Rule.ETCD_OVERWRITE,
                            "revision " + change.revision() + " gave " + change.subnet() + " to "
                                    + change.node() + " while " + before.node() + " held it since revision "
                                    + before.modRevision());
                }
                IpPrefix prefix = prefixes.computeIfAbsent(change.subnet(), IpPrefix::parse);
                for (String other : state.keySet()) {
                    if (!other.equals(change.subnet())
                            && prefixes.computeIfAbsent(other, IpPrefix::parse).overlaps(prefix)) {
                        report(
                                Rule.ETCD_OVERLAP,
                                "revision " + change.revision() + " wrote " + change.subnet() + " while " + other
                                        + " existed");
                    }
                }
            }
            EtcdReplay.apply(state, change);
        }
    }

    private void checkBeliefs(List<NodeRecord> records) {
        Map<String, List<BeliefInterval>> bySubnet =
                BeliefInterval.of(records).stream().collect(Collectors.groupingBy(BeliefInterval::subnet));
        for (List<BeliefInterval> intervals : bySubnet.values()) {
            List<BeliefInterval> sorted = new ArrayList<>(intervals);
            sorted.sort(Comparator.comparing(BeliefInterval::from));
            for (int i = 0; i < sorted.size(); i++) {
                for (int j = i + 1;
                        j < sorted.size()
                                && sorted.get(j).from().isBefore(sorted.get(i).until());
                        j++) {
                    BeliefInterval a = sorted.get(i);
                    BeliefInterval b = sorted.get(j);
                    if (!a.node().equals(b.node()) && a.overlaps(b)) {
                        report(
                                Rule.BELIEF_OVERLAP,
                                a.subnet() + ": " + a.node() + " held it " + a.from() + ".." + a.until() + " and "
                                        + b.node() + " " + b.from() + ".." + b.until());
                    }
                }
            }
        }
    }

    private void checkKeptSubnets(List<NodeRecord> records) {
        for (List<NodeRecord> own : byNodeInTimeOrder(records).values()) {
            String kept = null;
            Instant keptUntil = Instant.MIN;
            for (NodeRecord record : own) {
                switch (record) {
                    case NodeRecord.Acked acked -> {
                        // An acknowledgement after the last one ran out: the node did not keep renewing.
                        boolean renewedInTime = !acked.at().isAfter(keptUntil);
                        if (kept != null && renewedInTime && !kept.equals(acked.subnet())) {
                            report(
                                    Rule.SUBNET_CHANGED,
                                    acked.node() + " kept renewing " + kept + " but was given " + acked.subnet()
                                            + " at " + acked.at());
                        }
                        kept = acked.subnet();
                        keptUntil = acked.expireTime();
                    }
                    case NodeRecord.Released released -> kept = null;
                    case NodeRecord.Lost lost -> kept = null;
                }
            }
        }
    }

    private void checkAcksInEtcd(List<NodeRecord> records, EtcdReplay replay) {
        for (NodeRecord record : records) {
            if (record instanceof NodeRecord.Acked acked) {
                boolean written = replay.find(acked.modRevision(), acked.subnet())
                        .filter(change -> acked.node().equals(change.node()))
                        .isPresent();
                if (!written) {
                    report(
                            Rule.ACK_NOT_IN_ETCD,
                            acked.node() + " was acknowledged " + acked.subnet() + " at revision " + acked.modRevision()
                                    + ", which wrote no such lease");
                }
            } else if (record instanceof NodeRecord.Released released && released.revision() > 0) {
                boolean deleted = replay.find(released.revision(), released.subnet())
                        .filter(EtcdChange::isDelete)
                        .isPresent();
                if (!deleted) {
                    report(
                            Rule.RELEASE_NOT_IN_ETCD,
                            released.node() + "'s release of " + released.subnet() + " was acknowledged at revision "
                                    + released.revision() + ", which deleted no such key");
                }
            }
        }
    }

    private void checkAcksAtEnd(History history) {
        Instant readAt = history.finalReadAt();
        for (List<NodeRecord> own : byNodeInTimeOrder(history.nodeRecords()).values()) {
            if (own.getLast() instanceof NodeRecord.Acked last
                    && last.expireTime().isAfter(readAt)) {
                HeldLease held = history.finalState().get(last.subnet());
                if (held == null || !held.node().equals(last.node()) || held.modRevision() < last.modRevision()) {
                    report(
                            Rule.ACK_MISSING_AT_END,
                            last.node() + " was acknowledged " + last.subnet() + " until " + last.expireTime()
                                    + " but etcd holds " + held + " at the end");
                }
            }
        }
    }

    private static Map<String, List<NodeRecord>> byNodeInTimeOrder(List<NodeRecord> records) {
        Map<String, List<NodeRecord>> byNode = new HashMap<>();
        for (NodeRecord record : records) {
            byNode.computeIfAbsent(record.node(), n -> new ArrayList<>()).add(record);
        }
        byNode.values().forEach(own -> own.sort(Comparator.comparing(NodeRecord::at)));
        return byNode;
    }

    /** A short description of how two states differ, for a violation's detail. */
    static String difference(Map<String, HeldLease> actual, Map<String, HeldLease> expected) {
        List<String> parts = new ArrayList<>();
        expected.forEach((subnet, lease) -> {
            HeldLease other = actual.get(subnet);
            if (other == null) {
                parts.add("missing " + subnet + "=" + lease);
            } else if (!other.equals(lease)) {
                parts.add(subnet + " is " + other + ", expected " + lease);
            }
        });
        actual.keySet().stream()
                .filter(subnet -> !expected.containsKey(subnet))
                .forEach(subnet -> parts.add("extra " + subnet + "=" + actual.get(subnet)));
        return parts.size() <= 5
                ? String.join("; ", parts)
                : String.join("; ", parts.subList(0, 5)) + "; and " + (parts.size() - 5) + " more";
    }
}
