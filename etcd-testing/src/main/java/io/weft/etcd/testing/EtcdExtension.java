package io.weft.etcd.testing;

import io.weft.etcd.EtcdBinary;
import io.weft.etcd.EtcdCluster;
import io.weft.etcd.EtcdProcess;
import io.weft.etcd.RaftTiming;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs a real etcd (one member or a cluster) on loopback for tests, with fast raft timing
 * ({@link RaftTiming#FAST_FOR_TESTS}) and a temporary data dir deleted afterwards.
 *
 * <p>Register it on a static field to share one etcd across the test class:
 * <pre>{@code
 * @RegisterExtension
 * static final EtcdExtension ETCD = EtcdExtension.singleMember();
 * }</pre>
 * or on an instance field to get a fresh etcd for every test. Which one applies is decided by
 * whether etcd is already running when {@code beforeEach} is called.
 *
 * <p>While etcd runs, a JVM shutdown hook is registered that kills it, so an aborted test run
 * leaves no etcd behind; it is removed when etcd is stopped normally.
 *
 * <p>If no etcd binary is found the tests fail (never skip) with a message saying to install
 * etcd-server or set {@value EtcdBinary#ENV_VARIABLE}. Not meant for concurrent test execution
 * within one class.
 */
public final class EtcdExtension implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

    private final int size;
    private final Supplier<Path> binaryLocator;
    private EtcdCluster cluster;
    private TemporaryDirectory dataRoot;
    private Thread killOnJvmExit;
    private int classLevelStarts;

    EtcdExtension(int size, Supplier<Path> binaryLocator) {
        if (size < 1) {
            throw new IllegalArgumentException("an etcd cluster needs at least 1 member, got " + size);
        }
        this.size = size;
        this.binaryLocator = binaryLocator;
    }

    /** One etcd member. */
    public static EtcdExtension singleMember() {
        return new EtcdExtension(1, EtcdBinary::locate);
    }

    /** A cluster of {@code size} members; 3 lets a test kill or pause one and keep a quorum. */
    public static EtcdExtension cluster(int size) {
        return new EtcdExtension(size, EtcdBinary::locate);
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        // Nested test classes call beforeAll again; they share the outer class's etcd.
        if (classLevelStarts++ == 0) {
            start();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (--classLevelStarts == 0) {
            shutdown();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (cluster == null) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (classLevelStarts == 0) {
            shutdown();
        }
    }

    /** Client URLs of all members, in member order. */
    public List<String> endpoints() {
        return cluster().endpoints();
    }

    /** Client URL of member 0. */
    public String endpoint() {
        return endpoints().getFirst();
    }

    /** The running cluster (of one member for {@link #singleMember()}). */
    public EtcdCluster cluster() {
        if (cluster == null) {
            throw new IllegalStateException("etcd is not running: register EtcdExtension with @RegisterExtension"
                    + " and use it only inside tests or @BeforeEach/@AfterEach methods");
        }
        return cluster;
    }

    /** Member {@code index}, to kill, pause or restart it. */
    public EtcdProcess member(int index) {
        return cluster().member(index);
    }

    private void start() {
        Path binary = binaryLocator.get(); // fails first, with install instructions, if etcd is missing
        TemporaryDirectory directory = TemporaryDirectory.create("weft-etcd-");
        try {
            cluster = EtcdCluster.builder(directory.path())
                    .size(size)
                    .binary(binary)
                    .timing(RaftTiming.FAST_FOR_TESTS)
                    .start();
            dataRoot = directory;
            // If the test JVM is ended early (a fork timeout, Ctrl-C), etcd must not outlive it.
            EtcdCluster started = cluster;
            killOnJvmExit = new Thread(
                    () -> {
                        started.members().forEach(EtcdProcess::kill);
                        directory.close();
                    },
                    "etcd-extension-cleanup");
            Runtime.getRuntime().addShutdownHook(killOnJvmExit);
        } catch (RuntimeException e) {
            if (cluster != null) {
                cluster.stop();
                cluster = null;
            }
            dataRoot = null;
            killOnJvmExit = null;
            directory.close();
            throw e;
        }
    }

    private static void removeShutdownHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException jvmAlreadyShuttingDown) {
            // the hook runs anyway; nothing to undo
        }
    }

    private void shutdown() {
        try {
            if (cluster != null) {
                cluster.stop();
            }
        } finally {
            if (killOnJvmExit != null) {
                removeShutdownHook(killOnJvmExit);
                killOnJvmExit = null;
            }
            cluster = null;
            if (dataRoot != null) {
                dataRoot.close();
                dataRoot = null;
            }
        }
    }
}
