package io.weft.etcd;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One etcd member running as a child process, listening on 127.0.0.1 only.
 *
 * <p>{@link #start()} launches etcd with its output in {@code <dataDir>/etcd.log} (replaced at
 * every launch) and returns once {@code GET /health} answers {@code "health":"true"}. When the
 * options leave the ports at 0, free ports are picked and, if another process takes one first,
 * the start is retried with fresh ports up to {@value #MAX_START_ATTEMPTS} times. The ports that
 * worked are kept: {@link #restart()}, and a later {@link #start()}, reuse them and the data dir.
 *
 * <p>Threads: lifecycle methods are serialised. {@link #stop()}, {@link #kill()} and
 * {@link #close()} called while another thread is inside {@code start()} abort that start
 * (its process is killed and it throws) instead of waiting for it. {@link #isAlive()},
 * {@link #pid()} and the port getters may be called from any thread at any time.
 *
 * <p>Nothing is printed and no shutdown hook is registered: the caller decides when to stop.
 *
 * <p>Over 300 lines on purpose: launching, waiting for health, pausing and the aborts above
 * share one lifecycle lock and one process handle; split, that locking would span classes.
 */
public final class EtcdProcess implements AutoCloseable {

    /** How often start() is tried when etcd's free ports turn out to be taken. */
    public static final int MAX_START_ATTEMPTS = 3;

    /** How long {@link #stop()} waits after SIGTERM before it sends SIGKILL. */
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);

    /** Name of the log file etcd writes to inside its data dir. */
    public static final String LOG_FILE_NAME = "etcd.log";

    private static final Duration POLL_INTERVAL = Duration.ofMillis(25);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);

    private final Object lifecycle = new Object();
    private final Supplier<EtcdPorts> freePorts;
    private volatile EtcdOptions options;
    private volatile Process process;
    private volatile List<String> commandLine = List.of();
    private volatile boolean starting;
    private volatile boolean startAborted;
    private boolean paused;

    /** A member that is not running yet; see {@link #start()}. */
    public EtcdProcess(EtcdOptions options) {
        this(options, EtcdPorts::pickFree);
    }

    /** Lets tests hand out ports that are taken, to exercise the retry. */
    EtcdProcess(EtcdOptions options, Supplier<EtcdPorts> freePorts) {
        this.options = Objects.requireNonNull(options, "options");
        this.freePorts = freePorts;
    }

    /**
     * Launches etcd and waits until it is healthy.
     *
     * @return this, for {@code try (var etcd = new EtcdProcess(options).start())}
     * @throws EtcdBinaryNotFoundException if there is no etcd to run
     * @throws EtcdStartException if etcd exits or is not healthy within the start timeout; the
     *     process is then gone and the message holds the command line and the end of etcd.log
     * @throws IllegalStateException if this member is already running
     */
    public EtcdProcess start() {
        synchronized (lifecycle) {
            if (isAlive()) {
                throw new IllegalStateException(
                        "etcd member '" + options.name() + "' is already running, pid " + pid());
            }
            Path binary = options.binary() != null ? options.binary() : EtcdBinary.locate();
            createDataDir(options.dataDir());
            startAborted = false;
            starting = true;
            try {
                int attempts = options.hasFixedPorts() ? 1 : MAX_START_ATTEMPTS;
                for (int attempt = 1; ; attempt++) {
                    EtcdOptions attemptOptions = options.hasFixedPorts() ? options : options.withPorts(freePorts.get());
                    try {
                        launchAndAwaitHealthy(binary, attemptOptions);
                        options = attemptOptions;
                        paused = false;
                        return this;
                    } catch (EtcdStartException e) {
                        if (!e.addressInUse() || attempt >= attempts || startAborted) {
                            throw e;
                        }
                    }
                }
            } finally {
                starting = false;
            }
        }
    }

    /**
     * Stops the member if it runs and starts it again on the same ports and data dir. A member
     * of an explicitly listed cluster comes back with {@code --initial-cluster-state=existing}.
     *
     * @throws EtcdStartException as {@link #start()}
     */
    public void restart() {
        synchronized (lifecycle) {
            stop();
            if (options.joinsCluster()) {
                options = options.withClusterState(ClusterState.EXISTING);
            }
            start();
        }
    }

    /**
     * Graceful stop: SIGTERM (after SIGCONT if paused), up to {@link #STOP_GRACE} for etcd to
     * exit, then SIGKILL. Returns once the process has exited. Idempotent.
     */
    public void stop() {
        abortStartInProgress();
        synchronized (lifecycle) {
            Process current = process;
            if (current == null || !current.isAlive()) {
                paused = false;
                return;
            }
            if (paused) {
                resume(); // a stopped process would not act on SIGTERM until continued
            }
            current.destroy();
            try {
                if (!current.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS)) {
                    current.destroyForcibly();
                    current.waitFor();
                }
            } catch (InterruptedException e) {
                current.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** SIGKILL, as a crash would; returns once the process has exited. Idempotent. */
    public void kill() {
        abortStartInProgress();
        synchronized (lifecycle) {
            Process current = process;
            paused = false;
            if (current == null) {
                return;
            }
            current.destroyForcibly();
            try {
                current.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * SIGSTOP: the process stays alive but answers nothing, like a member stuck in a long GC
     * pause or behind a frozen disk. Returns once the kernel reports the process stopped.
     * Test tooling; runs {@code kill -STOP <pid>}.
     */
    public void pause() {
        synchronized (lifecycle) {
            requireAlive();
            Signal.STOP.sendTo(pid());
            paused = true;
        }
    }

    /** SIGCONT: undoes {@link #pause()}. Runs {@code kill -CONT <pid>}. */
    public void resume() {
        synchronized (lifecycle) {
            requireAlive();
            Signal.CONT.sendTo(pid());
            paused = false;
        }
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** Whether the etcd process is running (a paused one counts as running). */
    public boolean isAlive() {
        Process current = process;
        return current != null && current.isAlive();
    }

    /** The process id of the most recent launch. */
    public long pid() {
        Process current = process;
        if (current == null) {
            throw new IllegalStateException("etcd member '" + options.name() + "' has never been started");
        }
        return current.pid();
    }

    /** The client port; known once started, or from the start if the options fixed it. */
    public int clientPort() {
        return requirePorts().client();
    }

    /** The peer port; known once started, or from the start if the options fixed it. */
    public int peerPort() {
        return requirePorts().peer();
    }

    /** {@code http://127.0.0.1:<clientPort>}: what a client connects to. */
    public String clientEndpoint() {
        return EtcdOptions.loopbackUrl(clientPort());
    }

    /** The member name. */
    public String name() {
        return options.name();
    }

    /** The data dir, which also holds {@value #LOG_FILE_NAME}. */
    public Path dataDir() {
        return options.dataDir();
    }

    /** Where etcd's stdout and stderr of the most recent launch go. */
    public Path logFile() {
        return options.dataDir().resolve(LOG_FILE_NAME);
    }

    /** The options in effect, with the ports once they are known. */
    public EtcdOptions options() {
        return options;
    }

    /** The command line of the most recent launch; empty before the first. */
    public List<String> commandLine() {
        return commandLine;
    }

    /** Asks {@code GET /health}, waiting at most {@code timeout} for an answer. */
    public MemberHealth health(Duration timeout) {
        int port = clientPort();
        try (EtcdHttpProbe probe = new EtcdHttpProbe(timeout)) {
            return probe.health(port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return MemberHealth.NOT_ANSWERING;
        }
    }

    /**
     * Asks the maintenance status through etcd's gRPC gateway ({@code POST /v3/maintenance/status}),
     * waiting at most {@code timeout}; empty if the member does not answer.
     */
    public Optional<MemberStatus> status(Duration timeout) {
        int port = clientPort();
        try (EtcdHttpProbe probe = new EtcdHttpProbe(timeout)) {
            return probe.status(port);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Makes a {@link #start()} running in another thread give up now: its process is killed
     * and it throws. Does nothing when no start is in progress. Lock-free on purpose.
     */
    void abortStartInProgress() {
        if (!starting) {
            return;
        }
        startAborted = true;
        Process current = process;
        if (current != null) {
            current.destroyForcibly();
        }
    }

    private void launchAndAwaitHealthy(Path binary, EtcdOptions launchOptions) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(launchOptions.arguments());
        commandLine = List.copyOf(command);
        Path log = launchOptions.dataDir().resolve(LOG_FILE_NAME);
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(launchOptions.dataDir().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()));
        // etcd also reads every flag from ETCD_* variables and refuses to start when one
        // contradicts a flag; the command line alone must decide.
        builder.environment().keySet().removeIf(name -> name.startsWith("ETCD_"));
        Process launched;
        try {
            launched = builder.start();
        } catch (IOException e) {
            throw new EtcdStartException(
                    "cannot launch etcd member '" + launchOptions.name() + "': " + e.getMessage() + "\ncommand: "
                            + String.join(" ", command),
                    false,
                    e);
        }
        process = launched;
        closeQuietly(launched);
        Deadline deadline = Deadline.after(launchOptions.startTimeout());
        try (EtcdHttpProbe probe = new EtcdHttpProbe(PROBE_TIMEOUT)) {
            awaitClientPort(launched, launchOptions, deadline);
            while (probe.health(launchOptions.clientPort()) != MemberHealth.HEALTHY) {
                checkStillStarting(launched, launchOptions, deadline);
                Thread.sleep(POLL_INTERVAL);
            }
            checkStillStarting(launched, launchOptions, deadline);
            if (new ListeningPort(launchOptions.clientPort())
                    .isHeldBy(launched.pid())
                    .equals(Optional.of(false))) {
                throw failure(
                        launched,
                        launchOptions,
                        "found another process answering on its client port " + launchOptions.clientPort(),
                        true,
                        null);
            }
            // procfs cannot tell for a process that just exited (e.g. on "address already in use"
            // while another etcd answered /health on the port): it must still be running now.
            checkStillStarting(launched, launchOptions, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(launched, launchOptions, "start was interrupted", e);
        }
    }

    private void awaitClientPort(Process launched, EtcdOptions launchOptions, Deadline deadline)
            throws InterruptedException {
        while (true) {
            checkStillStarting(launched, launchOptions, deadline);
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(EtcdPorts.LOOPBACK, launchOptions.clientPort()), (int)
                        PROBE_TIMEOUT.toMillis());
                return;
            } catch (IOException notYet) {
                Thread.sleep(POLL_INTERVAL);
            }
        }
    }

    private void checkStillStarting(Process launched, EtcdOptions launchOptions, Deadline deadline) {
        if (startAborted) {
            throw failure(launched, launchOptions, "start was aborted by stop() or kill()", null);
        }
        if (!launched.isAlive()) {
            String exit = "exited with code " + launched.exitValue() + " while starting";
            throw failure(launched, launchOptions, exit, null);
        }
        if (deadline.hasPassed()) {
            throw failure(
                    launched,
                    launchOptions,
                    "was not healthy within " + launchOptions.startTimeout().toMillis() + " ms (GET "
                            + EtcdOptions.loopbackUrl(launchOptions.clientPort()) + "/health)",
                    null);
        }
    }

    private EtcdStartException failure(Process launched, EtcdOptions launchOptions, String what, Throwable cause) {
        return failure(launched, launchOptions, what, false, cause);
    }

    /** Kills the half-started process and describes what happened, with the end of its log. */
    private EtcdStartException failure(
            Process launched, EtcdOptions launchOptions, String what, boolean portTaken, Throwable cause) {
        launched.destroyForcibly();
        try {
            launched.waitFor(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        EtcdLog log = new EtcdLog(launchOptions.dataDir().resolve(LOG_FILE_NAME));
        String message = "etcd member '" + launchOptions.name() + "' " + what
                + "\ncommand: " + String.join(" ", commandLine)
                + "\n" + log.describe();
        return new EtcdStartException(message, portTaken || log.mentionsAddressInUse(), cause);
    }

    private EtcdPorts requirePorts() {
        EtcdOptions current = options;
        if (!current.hasFixedPorts()) {
            throw new IllegalStateException(
                    "etcd member '" + current.name() + "' picks its ports at start; start it first");
        }
        return new EtcdPorts(current.clientPort(), current.peerPort());
    }

    private void requireAlive() {
        if (!isAlive()) {
            throw new IllegalStateException("etcd member '" + options.name() + "' is not running");
        }
    }

    private static void createDataDir(Path dataDir) {
        try {
            if (!Files.isDirectory(dataDir)) {
                Files.createDirectories(dataDir.getParent());
                // etcd wants its data dir private (0700) and warns otherwise.
                Files.createDirectory(
                        dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        } catch (IOException e) {
            throw new EtcdStartException("cannot create etcd data dir " + dataDir + ": " + e, false, e);
        }
    }

    private static void closeQuietly(Process launched) {
        try {
            launched.getOutputStream().close(); // etcd never reads stdin
        } catch (IOException ignored) {
            // nothing was written, nothing is lost
        }
    }
}
