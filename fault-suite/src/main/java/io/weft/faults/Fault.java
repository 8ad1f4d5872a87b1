package io.weft.faults;

/** The kinds of fault the suite injects, by the names the summary line uses. */
enum Fault {
    /** kill -9 an allocator replica, then start it again. */
    KILL_SERVER("kill-server"),
    /** kill -9 the etcd leader, then restart it. */
    KILL_LEADER("kill-leader"),
    /** SIGSTOP an etcd member for longer than an election timeout, then SIGCONT. */
    PAUSE_MEMBER("pause-member"),
    /** Compact etcd at the newest revision while a replica is frozen and some watchers are stalled. */
    COMPACT("compact"),
    /** SIGTERM an allocator replica (graceful) while clients watch through it, then start it again. */
    RESTART_SERVER("restart-server");

    private final String label;

    Fault(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
