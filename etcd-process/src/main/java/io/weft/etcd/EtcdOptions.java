package io.weft.etcd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * How to run one etcd member. Immutable; build one with {@link #builder(Path)}.
 *
 * <p>Every URL the member listens on or advertises uses {@value EtcdPorts#HOST}: the member is
 * never reachable from another host.
 *
 * @param binary the etcd executable, or {@code null} to use {@link EtcdBinary#locate()}
 * @param dataDir the member's data dir, owned by the caller; it also receives {@code etcd.log}
 * @param name the member name ({@code --name}), unique within a cluster
 * @param clientPort the client port, or 0 to pick a free one at every fresh start
 * @param peerPort the peer port, or 0 (only together with {@code clientPort} 0)
 * @param initialCluster {@code name=peerUrl,...} of all members, or {@code null} for a
 *     single-member cluster of just this member
 * @param clusterState {@code --initial-cluster-state}
 * @param initialClusterToken {@code --initial-cluster-token}, or {@code null} for etcd's default;
 *     distinct tokens keep members of unrelated clusters that reuse ports from talking to each other
 * @param timing raft heartbeat and election timeout
 * @param startTimeout how long {@link EtcdProcess#start()} waits for {@code /health} to be true
 * @param extraArgs further etcd flags, appended last
 */
public record EtcdOptions(
        Path binary,
        Path dataDir,
        String name,
        int clientPort,
        int peerPort,
        String initialCluster,
        ClusterState clusterState,
        String initialClusterToken,
        RaftTiming timing,
        Duration startTimeout,
        List<String> extraArgs) {

    /** Name used when the caller gives none. */
    public static final String DEFAULT_NAME = "weft";

    /** Start timeout used when the caller gives none. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(30);

    public EtcdOptions {
        Objects.requireNonNull(dataDir, "dataDir");
        dataDir = dataDir.toAbsolutePath();
        Objects.requireNonNull(name, "name");
        if (name.isBlank() || name.contains(",") || name.contains("=")) {
            throw new IllegalArgumentException("member name must be non-blank without ',' or '=', got '" + name + "'");
        }
        if ((clientPort == 0) != (peerPort == 0)) {
            throw new IllegalArgumentException("give both ports or neither (0 = pick free ones), got client "
                    + clientPort + " and peer " + peerPort);
        }
        if (clientPort != 0) {
            new EtcdPorts(clientPort, peerPort); // validates range and distinctness
        }
        if (initialCluster != null && clientPort == 0) {
            throw new IllegalArgumentException("a member of an initial cluster needs its ports chosen in advance"
                    + " (see EtcdPorts.pickFree(int)) because its peers must know them");
        }
        Objects.requireNonNull(clusterState, "clusterState");
        Objects.requireNonNull(timing, "timing");
        Objects.requireNonNull(startTimeout, "startTimeout");
        if (startTimeout.isNegative() || startTimeout.isZero()) {
            throw new IllegalArgumentException("startTimeout must be positive, got " + startTimeout);
        }
        extraArgs = List.copyOf(extraArgs);
    }

    /** A builder with defaults: a free pair of ports, one member, etcd's own raft timing, 30 s to start. */
    public static Builder builder(Path dataDir) {
        return new Builder(dataDir);
    }

    /** Whether both ports are known, rather than picked at start. */
    public boolean hasFixedPorts() {
        return clientPort != 0;
    }

    /** Whether this member was configured as part of an explicitly listed (multi-member) cluster. */
    public boolean joinsCluster() {
        return initialCluster != null;
    }

    /** A copy bound to the given ports. */
    public EtcdOptions withPorts(EtcdPorts ports) {
        return new EtcdOptions(
                binary,
                dataDir,
                name,
                ports.client(),
                ports.peer(),
                initialCluster,
                clusterState,
                initialClusterToken,
                timing,
                startTimeout,
                extraArgs);
    }

    /** A copy with another {@code --initial-cluster-state}. */
    public EtcdOptions withClusterState(ClusterState state) {
        return new EtcdOptions(
                binary,
                dataDir,
                name,
                clientPort,
                peerPort,
                initialCluster,
                state,
                initialClusterToken,
                timing,
                startTimeout,
                extraArgs);
    }

    /** {@code http://127.0.0.1:<port>}: the URL form every etcd flag here expects. */
    public static String loopbackUrl(int port) {
        return "http://" + EtcdPorts.HOST + ":" + port;
    }

    /**
     * The etcd flags (everything after the binary) for these options.
     *
     * @throws IllegalStateException if the ports are not fixed yet
     */
    public List<String> arguments() {
        if (!hasFixedPorts()) {
            throw new IllegalStateException("ports are picked at start; call withPorts first");
        }
        String clientUrl = loopbackUrl(clientPort);
        String peerUrl = loopbackUrl(peerPort);
        List<String> args = new ArrayList<>();
        args.add("--name=" + name);
        args.add("--data-dir=" + dataDir);
        args.add("--listen-client-urls=" + clientUrl);
        args.add("--advertise-client-urls=" + clientUrl);
        args.add("--listen-peer-urls=" + peerUrl);
        args.add("--initial-advertise-peer-urls=" + peerUrl);
        args.add("--initial-cluster=" + (initialCluster != null ? initialCluster : name + "=" + peerUrl));
        args.add("--initial-cluster-state=" + clusterState.flagValue());
        if (initialClusterToken != null) {
            args.add("--initial-cluster-token=" + initialClusterToken);
        }
        // Empty means "no separate metrics listener": /metrics stays on the client URL. etcd 3.4
        // rejects "off" because it parses every value as a URL.
        args.add("--listen-metrics-urls=");
        args.add("--heartbeat-interval=" + timing.heartbeat().toMillis());
        args.add("--election-timeout=" + timing.electionTimeout().toMillis());
        args.addAll(extraArgs);
        return List.copyOf(args);
    }

    /** Collects options; every setter returns this builder. Not thread-safe. */
    public static final class Builder {
        private final Path dataDir;
        private Path binary;
        private String name = DEFAULT_NAME;
        private int clientPort;
        private int peerPort;
        private String initialCluster;
        private ClusterState clusterState = ClusterState.NEW;
        private String initialClusterToken;
        private RaftTiming timing = RaftTiming.ETCD_DEFAULTS;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private final List<String> extraArgs = new ArrayList<>();

        private Builder(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        }

        /** The etcd executable; by default {@link EtcdBinary#locate()} decides at start. */
        public Builder binary(Path binary) {
            this.binary = binary;
            return this;
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Fixed ports; by default free ones are picked at every fresh start. */
        public Builder ports(EtcdPorts ports) {
            this.clientPort = ports.client();
            this.peerPort = ports.peer();
            return this;
        }

        /** {@code name=http://127.0.0.1:peerPort,...} of every member, this one included. */
        public Builder initialCluster(String initialCluster) {
            this.initialCluster = initialCluster;
            return this;
        }

        public Builder clusterState(ClusterState clusterState) {
            this.clusterState = clusterState;
            return this;
        }

        public Builder initialClusterToken(String initialClusterToken) {
            this.initialClusterToken = initialClusterToken;
            return this;
        }

        public Builder timing(RaftTiming timing) {
            this.timing = timing;
            return this;
        }

        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = startTimeout;
            return this;
        }

        /** Appends etcd flags, for example {@code "--quota-backend-bytes=1073741824"}. */
        public Builder extraArgs(String... args) {
            this.extraArgs.addAll(List.of(args));
            return this;
        }

        public EtcdOptions build() {
            return new EtcdOptions(
                    binary,
                    dataDir,
                    name,
                    clientPort,
                    peerPort,
                    initialCluster,
                    clusterState,
                    initialClusterToken,
                    timing,
                    startTimeout,
                    extraArgs);
        }
    }
}
