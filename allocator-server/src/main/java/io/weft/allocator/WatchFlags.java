package io.weft.allocator;

import io.weft.allocator.service.WatchSettings;
import io.weft.launcher.DurationConverter;
import java.time.Duration;
import picocli.CommandLine.Option;

/** weft-allocator's flags for WatchLeases streams: progress messages and limits. */
final class WatchFlags {

    @Option(
            names = "--watch-progress-interval",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            defaultValue = "10s",
            description = "an idle watch stream gets a PROGRESS message this often " + "(default: ${DEFAULT-VALUE})")
    Duration progressInterval;

    @Option(
            names = "--max-watchers",
            paramLabel = "N",
            defaultValue = "10000",
            description = "watch streams open at once on this server (default: ${DEFAULT-VALUE})")
    int maxWatchers;

    @Option(
            names = "--max-watchers-per-identity",
            paramLabel = "N",
            defaultValue = "100",
            description = "watch streams open at once per client-certificate identity (default: ${DEFAULT-VALUE})")
    int maxWatchersPerIdentity;

    @Option(
            names = "--watcher-buffer-bytes",
            paramLabel = "BYTES",
            defaultValue = "8388608",
            description = "messages queued for one slow watcher before it gets a reset snapshot instead "
                    + "(default: ${DEFAULT-VALUE})")
    long watcherBufferBytes;

    @Option(
            names = "--watch-replay-from-etcd",
            paramLabel = "true|false",
            arity = "1",
            defaultValue = "true",
            hidden = true,
            description =
                    "false: give watchers resuming from a revision older than this server's watch history a reset "
                            + "snapshot instead of the changes read from etcd's history (the old behaviour; for the "
                            + "reconnect-storm benchmark's baseline)")
    boolean watchReplayFromEtcd;

    /** The settings; IllegalArgumentException naming the flag when one is out of range. */
    WatchSettings settings() {
        return new WatchSettings(
                progressInterval, maxWatchers, maxWatchersPerIdentity, watcherBufferBytes, watchReplayFromEtcd);
    }
}
