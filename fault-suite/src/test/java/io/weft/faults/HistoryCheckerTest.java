package io.weft.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.weft.faults.NodeRecord.Acked;
import io.weft.faults.NodeRecord.Lost;
import io.weft.faults.NodeRecord.Released;
import io.weft.faults.Violation.Rule;
import io.weft.faults.WatchDelivery.Event;
import io.weft.faults.WatchDelivery.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each rule of the checker, fed a crafted history that breaks it (and only it), next to a
 * clean history of the same shape that must pass.
 */
@Timeout(10)
class HistoryCheckerTest {

    private static final String S1 = "10.1.1.0/24";
    private static final String S2 = "10.1.2.0/24";
    private static final String S3 = "10.1.3.0/24";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** a holds S1 (revisions 2, 3), releases it (4), b takes it (5); c holds S2 throughout (6). */
    private final List<EtcdChange> changes = new ArrayList<>(List.of(
            EtcdChange.put(2, S1, "a"),
            EtcdChange.put(3, S1, "a"),
            EtcdChange.delete(4, S1),
            EtcdChange.put(5, S1, "b"),
            EtcdChange.put(6, S2, "c")));

    private final List<NodeRecord> records = new ArrayList<>(List.of(
            new Acked("a", S1, 2, at(10), at(0)),
            new Acked("a", S1, 3, at(15), at(5)),
            new Released("a", S1, 4, at(6)),
            new Acked("b", S1, 5, at(17), at(7)),
            new Acked("c", S2, 6, at(18), at(8))));
    private final Map<String, HeldLease> finalState = Map.of(S1, new HeldLease("b", 5), S2, new HeldLease("c", 6));
    private final List<WatcherLog> watchers = new ArrayList<>(List.of(new WatcherLog(
            "w",
            List.of(
                    new Snapshot(3, Map.of(S1, new HeldLease("a", 3))), new Event(4, S1, null),
                    new Event(5, S1, new HeldLease("b", 5)), new Event(6, S2, new HeldLease("c", 6))),
            finalState,
            6)));

    @Test
    void aCleanHistoryHasNoViolations() {
        assertThat(check().details()).isEmpty();
        assertThat(check().total()).isZero();
    }

    @Test
    void aPutOverAnotherNodesLiveKeyIsAnOverwrite() {
        changes.add(EtcdChange.put(7, S2, "d"));
        assertThat(rulesBroken(finalStateWith(S2, new HeldLease("d", 7)), 7)).contains(Rule.ETCD_OVERWRITE);
    }

    @Test
    void overlappingKeysAtOneRevisionAreAnOverlap() {
        changes.add(EtcdChange.put(7, "10.1.0.0/16", "d"));
        Map<String, HeldLease> state = finalStateWith("10.1.0.0/16", new HeldLease("d", 7));
        assertThat(rulesBroken(state, 7)).containsExactly(Rule.ETCD_OVERLAP);
    }

    @Test
    void twoNodesEntitledToOneSubnetAtOnceIsABeliefOverlap() {
        // a's first acknowledgement promised S1 until 10 s; it never released; b got it at 7 s.
        records.removeIf(r -> r instanceof Released);
        // (read after every promise ran out, so that only the overlap is left to find)
        assertThat(rulesBroken(finalState, 6, at(30))).containsExactly(Rule.BELIEF_OVERLAP);
    }

    @Test
    void aLossReportEndsTheNodesClaim() {
        records.removeIf(r -> r instanceof Released);
        records.add(new Lost("a", S1, at(6)));
        assertThat(rulesBroken()).isEmpty();
    }

    @Test
    void aRenewalArrivingAfterExpiryDoesNotCoverTheGap() {
        // a: acked until 3 s, renewed at 5 s (after expiry). b held S1 from 3.5 s to 4.5 s: no overlap.
        records.set(0, new Acked("a", S1, 2, at(3), at(0)));
        records.add(new Acked("b", S1, 2, at(4.5), at(3.5)));
        changes.add(EtcdChange.put(2, S1, "b"));
        List<Rule> broken = rulesBroken();
        assertThat(broken).doesNotContain(Rule.BELIEF_OVERLAP);
    }

    @Test
    void aNodeThatKeptRenewingMustKeepItsSubnet() {
        records.add(new Acked("c", S1, 5, at(19), at(9)));
        assertThat(rulesBroken()).contains(Rule.SUBNET_CHANGED).doesNotContain(Rule.ETCD_OVERWRITE);
    }

    @Test
    void aNodeWhoseRenewalCameTooLateMayGetAnotherSubnet() {
        // c's lease ran out at 18 s; re-acquired at 19 s it may be given a different subnet.
        records.add(new Acked("c", S1, 5, at(29), at(19)));
        assertThat(rulesBroken()).doesNotContain(Rule.SUBNET_CHANGED);
    }

    @Test
    void anAcknowledgementWithoutItsPutInEtcdIsReported() {
        records.add(new Acked("c", S2, 8, at(11), at(9)));
        assertThat(rulesBroken()).containsExactly(Rule.ACK_NOT_IN_ETCD);
    }

    @Test
    void aReleaseWithoutItsDeleteInEtcdIsReported() {
        records.set(2, new Released("a", S1, 3, at(6)));
        assertThat(rulesBroken()).containsExactly(Rule.RELEASE_NOT_IN_ETCD);
    }

    @Test
    void anUnexpiredAcknowledgementMustStillBeInEtcdAtTheEnd() {
        changes.add(EtcdChange.delete(7, S2));
        Map<String, HeldLease> state = Map.of(S1, new HeldLease("b", 5));
        assertThat(rulesBroken(state, 7, at(12))).contains(Rule.ACK_MISSING_AT_END);
        assertThat(rulesBroken(state, 7, at(30))).doesNotContain(Rule.ACK_MISSING_AT_END);
    }

    @Test
    void aHistoryThatDoesNotReplayToTheFinalStateIsIncomplete() {
        changes.remove(4); // the recording missed c's put
        assertThat(rulesBroken()).contains(Rule.HISTORY_INCOMPLETE);
    }

    @Test
    void aBrokenRecordingFailsTheRun() {
        History history = new History(records, changes, false, watchers, finalState, 6, at(12), 6);
        assertThat(HistoryChecker.check(history).counts()).containsOnlyKeys(Rule.HISTORY_INCOMPLETE);
    }

    @Test
    void aWatcherThatDidNotCatchUpIsBehind() {
        watchers.set(
                0,
                new WatcherLog(
                        "w",
                        List.of(new Snapshot(5, Map.of(S1, new HeldLease("b", 5)))),
                        Map.of(S1, new HeldLease("b", 5)),
                        5));
        assertThat(rulesBroken()).containsExactly(Rule.WATCHER_BEHIND);
    }

    @Test
    void aFinalViewThatDiffersFromEtcdIsReported() {
        watchers.set(
                0, new WatcherLog("w", List.of(new Snapshot(6, finalState)), Map.of(S1, new HeldLease("b", 5)), 6));
        assertThat(rulesBroken()).containsExactly(Rule.WATCHER_FINAL_VIEW);
    }

    @Test
    void anEventEtcdNeverMadeIsAPhantom() {
        watchers.set(
                0,
                new WatcherLog(
                        "w",
                        List.of(
                                new Snapshot(5, Map.of(S1, new HeldLease("b", 5))),
                                new Event(6, S2, new HeldLease("x", 6))),
                        finalState,
                        6));
        assertThat(rulesBroken()).containsExactly(Rule.WATCHER_PHANTOM);
    }

    @Test
    void aSnapshotThatDiffersFromEtcdIsAPhantom() {
        watchers.set(
                0,
                new WatcherLog(
                        "w",
                        List.of(new Snapshot(5, Map.of()), new Event(6, S2, new HeldLease("c", 6))),
                        finalState,
                        6));
        assertThat(rulesBroken()).containsExactly(Rule.WATCHER_PHANTOM);
    }

    @Test
    void anEventReplayedAfterALaterOneWentBack() {
        // After revision 5 the watcher is handed revision 4 again (a resume on a replica behind it).
        watchers.set(
                0,
                new WatcherLog(
                        "w",
                        List.of(
                                new Snapshot(3, Map.of(S1, new HeldLease("a", 3))),
                                new Event(4, S1, null),
                                new Event(5, S1, new HeldLease("b", 5)),
                                new Event(4, S1, null),
                                new Event(5, S1, new HeldLease("b", 5)),
                                new Event(6, S2, new HeldLease("c", 6))),
                        finalState,
                        6));
        assertThat(rulesBroken()).containsExactly(Rule.WATCHER_WENT_BACK);
    }

    @Test
    void aSnapshotOlderThanWhatTheWatcherSawWentBack() {
        watchers.set(
                0,
                new WatcherLog(
                        "w",
                        List.of(
                                new Snapshot(5, Map.of(S1, new HeldLease("b", 5))),
                                new Snapshot(3, Map.of(S1, new HeldLease("a", 3))),
                                new Event(4, S1, null),
                                new Event(5, S1, new HeldLease("b", 5)),
                                new Event(6, S2, new HeldLease("c", 6))),
                        finalState,
                        6));
        assertThat(rulesBroken()).containsExactly(Rule.WATCHER_WENT_BACK);
    }

    @Test
    void severalKeysChangedAtOneRevisionAreNotGoingBack() {
        changes.add(EtcdChange.delete(7, S1));
        changes.add(EtcdChange.delete(7, S2));
        List<WatcherLog> oneTxn = List.of(new WatcherLog(
                "w",
                List.of(new Snapshot(6, finalState), new Event(7, S1, null), new Event(7, S2, null)),
                Map.of(),
                7));
        History history = new History(records, changes, true, oneTxn, Map.of(), 7, at(30), 7);
        assertThat(HistoryChecker.check(history).details()).isEmpty();
    }

    @Test
    void aSkippedEventIsMissedEvenIfTheFinalViewComesOutRight() {
        // The delete at 4 never arrives; the put at 5 overwrites S1 in the view anyway.
        watchers.set(
                0,
                new WatcherLog(
                        "w",
                        List.of(
                                new Snapshot(3, Map.of(S1, new HeldLease("a", 3))),
                                new Event(5, S1, new HeldLease("b", 5)),
                                new Event(6, S2, new HeldLease("c", 6))),
                        finalState,
                        6));
        assertThat(rulesBroken()).containsExactly(Rule.WATCHER_MISSED);
    }

    @Test
    void aResetSnapshotMayFoldInChangesAfterTheLastEvent() {
        watchers.set(
                0,
                new WatcherLog(
                        "w",
                        List.of(
                                new Snapshot(3, Map.of(S1, new HeldLease("a", 3))),
                                new Event(4, S1, null),
                                new Snapshot(6, finalState)),
                        finalState,
                        6));
        assertThat(rulesBroken()).isEmpty();
    }

    @Test
    void aNodeHoldingTwoKeysAfterARevisionHoldsTwoLeases() {
        // c holds S2 (6), gets S3 at 7 and renews it at 8, and only at 9 is S2 deleted.
        changes.addAll(List.of(EtcdChange.put(7, S3, "c"), EtcdChange.put(8, S3, "c"), EtcdChange.delete(9, S2)));
        HistoryChecker.Result result =
                checkUntil(Map.of(S1, new HeldLease("b", 5), S3, new HeldLease("c", 8)), 9, List.of(), List.of());
        assertThat(rules(result)).containsExactly(Rule.NODE_TWO_LEASES);
        assertThat(result.details().getFirst().detail())
                .contains(
                        "after revision 7",
                        "c holds 2 leases",
                        S2 + " (written at revision 6)",
                        S3 + " (written at revision 7)");
        assertThat(result.counts()).containsEntry(Rule.NODE_TWO_LEASES, 1); // one report for one double holding
    }

    @Test
    void aNodeMovedFromOneSubnetToAnotherInOneTransactionHoldsOneLease() {
        // put of the new key first, delete of the old one second, both at revision 7: one transaction.
        changes.addAll(List.of(EtcdChange.put(7, S3, "c"), EtcdChange.delete(7, S2)));
        HistoryChecker.Result result =
                checkUntil(Map.of(S1, new HeldLease("b", 5), S3, new HeldLease("c", 7)), 7, List.of(), List.of());
        assertThat(rules(result)).isEmpty();
    }

    @Test
    void aNodeThatHoldsTwoKeysAgainLaterIsReportedAgain() {
        changes.addAll(List.of(
                EtcdChange.put(7, S3, "c"),
                EtcdChange.delete(8, S3),
                EtcdChange.put(9, S3, "c"),
                EtcdChange.delete(10, S3)));
        HistoryChecker.Result result = checkUntil(finalState, 10, List.of(), List.of());
        assertThat(result.counts()).containsOnly(Map.entry(Rule.NODE_TWO_LEASES, 2));
    }

    @Test
    void flanneldLeasesWithoutANodeNameAreExempt() {
        changes.addAll(List.of(EtcdChange.put(7, S3, ""), EtcdChange.put(8, "10.1.4.0/24", "")));
        Map<String, HeldLease> state = Map.of(
                S1,
                new HeldLease("b", 5),
                S2,
                new HeldLease("c", 6),
                S3,
                new HeldLease("", 7),
                "10.1.4.0/24",
                new HeldLease("", 8));
        assertThat(rules(checkUntil(state, 8, List.of(), List.of()))).isEmpty();
    }

    @Test
    void answersOfOneTwoReplicaRoundMustNameOneSubnet() {
        List<AcquisitionRound> agreeing = List.of(new AcquisitionRound("c", List.of(S2, S2), at(8)));
        List<AcquisitionRound> differing = List.of(new AcquisitionRound("c", List.of(S2, S3), at(8)));
        assertThat(rules(checkUntil(finalState, 6, List.of(), agreeing))).isEmpty();
        assertThat(rules(checkUntil(finalState, 6, List.of(), differing))).containsExactly(Rule.ROUND_ANSWERS_DIFFER);
    }

    @Test
    void aRetryAfterALostReplyThatNamesAnotherSubnetIsReported() {
        // c held S3 (1..4). Its acquisition committed S2 at 6, the reply was lost at 8.5 s, and the
        // retry was answered from a stale view: S3 at revision 1, though etcd holds S2 for c.
        changes.addAll(List.of(EtcdChange.put(1, S3, "c"), EtcdChange.delete(4, S3)));
        records.set(4, new Acked("c", S3, 1, at(19), at(9)));
        List<DroppedReply> lost = List.of(new DroppedReply("c", DroppedReply.Call.ACQUIRE, S2, 6, at(8.5)));
        assertThat(rules(checkUntil(finalState, 6, lost, List.of()))).containsExactly(Rule.LOST_REPLY_NOT_RETURNED);
    }

    @Test
    void aRetryAfterALostReplyThatReturnsTheCommittedLeaseIsClean() {
        // The lost commit is no violation by itself: c was told nothing at 8.5 s, and its retry
        // (the acknowledgement at 8 s moves to 9 s) returns S2 at revision 6.
        records.set(4, new Acked("c", S2, 6, at(19), at(9)));
        List<DroppedReply> lost = List.of(new DroppedReply("c", DroppedReply.Call.ACQUIRE, S2, 6, at(8.5)));
        assertThat(rules(checkUntil(finalState, 6, lost, List.of()))).isEmpty();
    }

    @Test
    void aRetryMayNameAnotherSubnetOnceTheCommittedOneIsGone() {
        // S2, committed at 6 with its reply lost, expired at 7; c's next acquisition got S3 at 8.
        changes.addAll(List.of(EtcdChange.delete(7, S2), EtcdChange.put(8, S3, "c")));
        records.set(4, new Acked("c", S3, 8, at(29), at(19)));
        List<DroppedReply> lost = List.of(new DroppedReply("c", DroppedReply.Call.RENEW, S2, 6, at(8.5)));
        Map<String, HeldLease> state = Map.of(S1, new HeldLease("b", 5), S3, new HeldLease("c", 8));
        assertThat(rules(checkUntil(state, 8, lost, List.of()))).isEmpty();
    }

    @Test
    void aLostReplyNamingAWriteEtcdNeverMadeIsAnUnwrittenAcknowledgement() {
        List<DroppedReply> lost = List.of(new DroppedReply("c", DroppedReply.Call.ACQUIRE, S2, 5, at(8.5)));
        assertThat(rules(checkUntil(finalState, 6, lost, List.of()))).containsExactly(Rule.ACK_NOT_IN_ETCD);
    }

    private HistoryChecker.Result check() {
        return HistoryChecker.check(new History(records, changes, true, watchers, finalState, 6, at(12), 6));
    }

    private List<Rule> rulesBroken() {
        return check().details().stream().map(Violation::rule).distinct().toList();
    }

    private List<Rule> rulesBroken(Map<String, HeldLease> state, long revision) {
        return rulesBroken(state, revision, at(12));
    }

    private List<Rule> rulesBroken(Map<String, HeldLease> state, long revision, Instant readAt) {
        List<WatcherLog> caughtUp =
                List.of(new WatcherLog("w", List.of(new Snapshot(revision, state)), state, revision));
        History history = new History(records, changes, true, caughtUp, state, revision, readAt, revision);
        return HistoryChecker.check(history).details().stream()
                .map(Violation::rule)
                .distinct()
                .toList();
    }

    /** Read at 30 s, after every promise ran out, with one watcher caught up at {@code revision}. */
    private HistoryChecker.Result checkUntil(
            Map<String, HeldLease> state, long revision, List<DroppedReply> lost, List<AcquisitionRound> rounds) {
        List<WatcherLog> caughtUp =
                List.of(new WatcherLog("w", List.of(new Snapshot(revision, state)), state, revision));
        return HistoryChecker.check(
                new History(records, changes, true, caughtUp, state, revision, at(30), revision, lost, rounds));
    }

    private static List<Rule> rules(HistoryChecker.Result result) {
        return result.details().stream().map(Violation::rule).distinct().toList();
    }

    private Map<String, HeldLease> finalStateWith(String subnet, HeldLease lease) {
        Map<String, HeldLease> state = new java.util.HashMap<>(finalState);
        state.put(subnet, lease);
        return state;
    }

    private static Instant at(double seconds) {
        return T0.plusMillis((long) (seconds * 1000));
    }
}
