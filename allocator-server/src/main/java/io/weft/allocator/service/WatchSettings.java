package io.weft.allocator.service;

import java.time.Duration;

/**
 * How the server serves WatchLeases streams.
 *
 * @param progressInterval         an idle stream gets a PROGRESS message this often
 * @param maxWatchers              open watch streams at once, in total
 * @param maxWatchersPerIdentity   open watch streams at once per client-certificate identity
 *                                 (without client certificates only the total applies)
 * @param watcherBufferBytes       messages one slow watcher may have queued, in serialized
 *                                 bytes, before its queue is replaced by a reset snapshot
 * @param replayFromEtcd           a watcher resuming from a revision older than this server's
 *                                 watch history gets the changes since then from etcd's history
 *                                 (true, the default); false gives it a reset snapshot, as
 *                                 before replay existed (kept for the reconnect-storm baseline)
 */
public record WatchSettings(
        Duration progressInterval,
        int maxWatchers,
        int maxWatchersPerIdentity,
        long watcherBufferBytes,
        boolean replayFromEtcd) {

    public static final WatchSettings DEFAULTS = new WatchSettings(Duration.ofSeconds(10), 10_000, 100, 8L << 20);

    /** Settings that replay from etcd's history. */
    public WatchSettings(
            Duration progressInterval, int maxWatchers, int maxWatchersPerIdentity, long watcherBufferBytes) {
        this(progressInterval, maxWatchers, maxWatchersPerIdentity, watcherBufferBytes, true);
    }

    /** These settings with replay from etcd's history on or off. */
    public WatchSettings withReplayFromEtcd(boolean replay) {
        return new WatchSettings(progressInterval, maxWatchers, maxWatchersPerIdentity, watcherBufferBytes, replay);
    }

    public WatchSettings {
        if (progressInterval.compareTo(Duration.ofMillis(10)) < 0
                || progressInterval.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException(
                    "--watch-progress-interval must be between 10ms and 1h, got " + progressInterval);
        }
        if (maxWatchers < 1) {
            throw new IllegalArgumentException("--max-watchers must be at least 1, got " + maxWatchers);
        }
        if (maxWatchersPerIdentity < 1) {
            throw new IllegalArgumentException(
                    "--max-watchers-per-identity must be at least 1, got " + maxWatchersPerIdentity);
        }
        if (watcherBufferBytes < 64 * 1024) {
            throw new IllegalArgumentException(
                    "--watcher-buffer-bytes must be at least 65536, got " + watcherBufferBytes);
        }
    }
}
