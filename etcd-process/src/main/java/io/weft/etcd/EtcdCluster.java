package io.weft.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * A new etcd cluster of one or more members on 127.0.0.1, each an {@link EtcdProcess} with the
 * data dir {@code <parentDir>/member-<i>}.
 *
 * <p>All ports are picked before any member starts, because every member is told every peer
 * URL up front. Members start in parallel: none can become healthy before a quorum runs. If a
 * picked port turns out to be taken, the whole cluster is started again on fresh ports and
 * emptied data dirs, up to {@value EtcdProcess#MAX_START_ATTEMPTS} times.
 *
 * <p>Threads: {@link #stop()} and the queries may be called from any thread; lifecycle calls
 * on single members follow {@link EtcdProcess}'s rules.
 *
 * <p>Over 300 lines on purpose: the all-or-nothing start (ports for every member first, then a
 * parallel start retried as a whole) is one algorithm, kept in one place.
 */
public final class EtcdCluster implements AutoCloseable {

    private static final String MEMBER_DIR_PREFIX = "member-";
    private static final Duration STATUS_TIMEOUT = Duration.ofMillis(500);

    private final Path parentDir;
    private final List<EtcdProcess> members;

    private EtcdCluster(Path parentDir, List<EtcdProcess> members) {
        this.parentDir = parentDir;
        this.members = List.copyOf(members);
    }

    /** A builder for a cluster whose member data dirs go under {@code parentDir} (owned by the caller). */
    public static Builder builder(Path parentDir) {
        return new Builder(parentDir);
    }

    /** Number of members. */
    public int size() {
        return members.size();
    }

    /** Member {@code index} (0-based), to stop, kill, pause or restart it. */
    public EtcdProcess member(int index) {
        Objects.checkIndex(index, members.size());
        return members.get(index);
    }

    /** All members, in index order. */
    public List<EtcdProcess> members() {
        return members;
    }

    /** The client URLs of all members, in index order, whether or not they run right now. */
    public List<String> endpoints() {
        return members.stream().map(EtcdProcess::clientEndpoint).toList();
    }

    /** Where the member data dirs live. */
    public Path parentDir() {
        return parentDir;
    }

    /**
     * The index of the member that is leader now, according to the members themselves: each
     * running member is asked for its status (at most {@code 500 ms} each) and, among those that
     * report themselves leader, the one in the highest raft term wins; a deposed leader that has
     * not noticed yet is still in an older term. Empty while an election is going on.
     */
    public OptionalInt findLeaderIndex() {
        int leader = -1;
        long leaderTerm = -1;
        for (int i = 0; i < members.size(); i++) {
            EtcdProcess member = members.get(i);
            if (!member.isAlive()) {
                continue;
            }
            Optional<MemberStatus> status = member.status(STATUS_TIMEOUT);
            if (status.isPresent() && status.get().isLeader() && status.get().raftTerm() > leaderTerm) {
                leader = i;
                leaderTerm = status.get().raftTerm();
            }
        }
        return leader < 0 ? OptionalInt.empty() : OptionalInt.of(leader);
    }

    /**
     * Like {@link #findLeaderIndex()}, for when a leader must exist.
     *
     * @throws IllegalStateException if no member reports itself leader
     */
    public int leaderIndex() {
        return findLeaderIndex()
                .orElseThrow(() -> new IllegalStateException(
                        "no member of the " + members.size() + "-member etcd cluster reports itself leader"));
    }

    /**
     * Stops every member, each as {@link EtcdProcess#stop()}: the followers in parallel, then
     * the leader. Data dirs stay.
     *
     * <p>The order matters for speed: on SIGTERM an etcd leader first hands leadership to a
     * connected follower and waits up to five seconds for that to finish. Stopped together, the
     * leader would pick a follower that is itself shutting down and wait the full time; with the
     * followers gone first it has no one to hand over to and exits at once.
     */
    public void stop() {
        OptionalInt leader =
                members.stream().filter(EtcdProcess::isAlive).count() > 1 ? findLeaderIndex() : OptionalInt.empty();
        List<EtcdProcess> followers = new ArrayList<>(members);
        leader.ifPresent(index -> followers.remove(members.get(index)));
        forEachInParallel(followers, EtcdProcess::stop);
        leader.ifPresent(index -> members.get(index).stop());
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    private static EtcdCluster start(Builder builder) {
        for (int i = 0; i < builder.size; i++) {
            requireEmptyOrAbsent(memberDir(builder.parentDir, i));
        }
        for (int attempt = 1; ; attempt++) {
            List<EtcdProcess> members = newMembers(builder, builder.freePorts.apply(builder.size));
            try {
                startInParallel(members);
                return new EtcdCluster(builder.parentDir, members);
            } catch (EtcdStartException e) {
                forEachInParallel(members, EtcdProcess::kill);
                if (!e.addressInUse() || attempt >= EtcdProcess.MAX_START_ATTEMPTS) {
                    throw e;
                }
                // The failed attempt may have bootstrapped some members with the old peer list.
                members.forEach(member -> deleteRecursively(member.dataDir()));
            }
        }
    }

    private static List<EtcdProcess> newMembers(Builder builder, List<EtcdPorts> ports) {
        List<String> peers = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            peers.add(MEMBER_DIR_PREFIX + i + "="
                    + EtcdOptions.loopbackUrl(ports.get(i).peer()));
        }
        String initialCluster = String.join(",", peers);
        // A fresh token per attempt: a member of another test's cluster that reuses one of
        // these ports later cannot be mistaken for a peer.
        String token = "weft-" + UUID.randomUUID();
        List<EtcdProcess> members = new ArrayList<>();
        for (int i = 0; i < ports.size(); i++) {
            EtcdOptions options = EtcdOptions.builder(memberDir(builder.parentDir, i))
                    .binary(builder.binary)
                    .name(MEMBER_DIR_PREFIX + i)
                    .ports(ports.get(i))
                    .initialCluster(initialCluster)
                    .clusterState(ClusterState.NEW)
                    .initialClusterToken(token)
                    .timing(builder.timing)
                    .startTimeout(builder.startTimeout)
                    .extraArgs(builder.extraArgs.toArray(String[]::new))
                    .build();
            members.add(new EtcdProcess(options));
        }
        return members;
    }

    /** Starts all members together; on the first failure the others are aborted and it is thrown. */
    private static void startInParallel(List<EtcdProcess> members) {
        EtcdStartException firstFailure = null;
        boolean interrupted = false;
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletionService<EtcdProcess> starts = new ExecutorCompletionService<>(executor);
            members.forEach(member -> starts.submit(member::start));
            int pending = members.size();
            while (pending > 0) {
                if (firstFailure != null) {
                    // Repeated because a member whose start had not begun yet ignores an abort.
                    members.forEach(EtcdProcess::abortStartInProgress);
                }
                Future<EtcdProcess> done;
                try {
                    done = starts.poll(50, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                    firstFailure = firstFailure != null
                            ? firstFailure
                            : new EtcdStartException("interrupted while starting the etcd cluster", false, e);
                    continue;
                }
                if (done == null) {
                    continue;
                }
                pending--;
                EtcdStartException failure = failureOf(done);
                if (firstFailure == null) {
                    firstFailure = failure;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
        if (firstFailure != null) {
            throw firstFailure;
        }
    }

    /** The exception a finished member start threw, or null if it succeeded. */
    private static EtcdStartException failureOf(Future<EtcdProcess> done) {
        try {
            done.get();
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof EtcdStartException startFailure
                    ? startFailure
                    : new EtcdStartException("etcd member failed to start: " + e.getCause(), false, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // cannot happen: the future is done
            return new EtcdStartException("interrupted", false, e);
        }
    }

    private static void forEachInParallel(List<EtcdProcess> members, Consumer<EtcdProcess> action) {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            members.forEach(member -> executor.submit(() -> action.accept(member)));
        }
    }

    private static Path memberDir(Path parentDir, int index) {
        return parentDir.resolve(MEMBER_DIR_PREFIX + index);
    }

    private static void requireEmptyOrAbsent(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(dir)) {
            if (entries.findAny().isPresent()) {
                throw new IllegalArgumentException(dir + " is not empty; EtcdCluster bootstraps a new cluster"
                        + " and needs empty member data dirs");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }

    /** Collects cluster settings; every setter returns this builder. Not thread-safe. */
    public static final class Builder {
        private final Path parentDir;
        private int size = 1;
        private Path binary;
        private RaftTiming timing = RaftTiming.ETCD_DEFAULTS;
        private Duration startTimeout = EtcdOptions.DEFAULT_START_TIMEOUT;
        private final List<String> extraArgs = new ArrayList<>();
        private IntFunction<List<EtcdPorts>> freePorts = EtcdPorts::pickFree;

        private Builder(Path parentDir) {
            this.parentDir = Objects.requireNonNull(parentDir, "parentDir").toAbsolutePath();
        }

        /** Number of members, 1 or more; 3 tolerates the loss of one. */
        public Builder size(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("a cluster needs at least 1 member, got " + size);
            }
            this.size = size;
            return this;
        }

        /** The etcd executable; by default {@link EtcdBinary#locate()} decides. */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        public Builder timing(RaftTiming timing) {
            this.timing = Objects.requireNonNull(timing, "timing");
            return this;
        }

        /** How long each member may take to become healthy. */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout, "startTimeout");
            return this;
        }

        /** Further etcd flags for every member. */
        public Builder extraArgs(String... args) {
            this.extraArgs.addAll(List.of(args));
            return this;
        }

        /** Lets tests hand out ports that are taken, to exercise the retry. */
        Builder freePorts(IntFunction<List<EtcdPorts>> freePorts) {
            this.freePorts = freePorts;
            return this;
        }

        /**
         * Starts the cluster and returns once every member is healthy.
         *
         * @throws EtcdStartException naming the member that failed, with its command line and log
         * @throws IllegalArgumentException if a member data dir under the parent dir is not empty
         */
        public EtcdCluster start() {
            return EtcdCluster.start(this);
        }
    }
}
