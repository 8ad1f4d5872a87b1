package io.weft.etcd;

import java.time.Duration;
import java.util.Objects;

/**
 * Raft heartbeat interval and election timeout of one member, passed to etcd as
 * {@code --heartbeat-interval} and {@code --election-timeout} (milliseconds).
 *
 * @param heartbeat how often a leader tells followers it is alive
 * @param electionTimeout how long a follower waits without a heartbeat before calling an
 *     election; etcd requires it to be at least five times the heartbeat
 */
public record RaftTiming(Duration heartbeat, Duration electionTimeout) {

    /** etcd's own defaults (100 ms / 1000 ms): what a production member should use. */
    public static final RaftTiming ETCD_DEFAULTS = new RaftTiming(Duration.ofMillis(100), Duration.ofMillis(1000));

    /**
     * 10 ms / 100 ms: elections finish in a fraction of a second, so tests that kill a leader
     * do not wait long. Too aggressive for a loaded production host.
     */
    public static final RaftTiming FAST_FOR_TESTS = new RaftTiming(Duration.ofMillis(10), Duration.ofMillis(100));

    public RaftTiming {
        Objects.requireNonNull(heartbeat, "heartbeat");
        Objects.requireNonNull(electionTimeout, "electionTimeout");
        if (heartbeat.toMillis() < 1) {
            throw new IllegalArgumentException("heartbeat must be at least 1 ms, got " + heartbeat);
        }
        if (electionTimeout.toMillis() < 5 * heartbeat.toMillis()) {
            throw new IllegalArgumentException("electionTimeout must be at least 5 x heartbeat ("
                    + 5 * heartbeat.toMillis() + " ms), got " + electionTimeout.toMillis() + " ms");
        }
    }
}
