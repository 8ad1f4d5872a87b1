package io.weft.faults;

/** One broken rule, with enough detail to find it in the logs. */
public record Violation(Rule rule, String detail) {

    /** The checker's rules; see {@link HistoryChecker}. */
    public enum Rule {
        ETCD_OVERWRITE,
        ETCD_OVERLAP,
        BELIEF_OVERLAP,
        SUBNET_CHANGED,
        ACK_NOT_IN_ETCD,
        RELEASE_NOT_IN_ETCD,
        ACK_MISSING_AT_END,
        HISTORY_INCOMPLETE,
        NODE_TWO_LEASES,
        ROUND_ANSWERS_DIFFER,
        LOST_REPLY_NOT_RETURNED,
        WATCHER_BEHIND,
        WATCHER_FINAL_VIEW,
        WATCHER_PHANTOM,
        WATCHER_WENT_BACK,
        WATCHER_MISSED
    }

    @Override
    public String toString() {
        return rule + ": " + detail;
    }
}
