package io.weft.faults;

import io.weft.client.ServerAddress;
import io.weft.etcd.Signal;
import io.weft.testsupport.LaunchedProcess;
import io.weft.testsupport.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One allocator-server replica as a real process ({@code AllocatorMain}), so that a kill is a
 * real {@code kill -9}. Its gRPC and HTTP ports are picked once and kept, so a restarted replica
 * comes back at the address the clients know. Output is appended to {@code <name>.log}.
 */
final class ServerReplica implements AutoCloseable {

    private static final Duration READY_WITHIN = Duration.ofSeconds(90);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final String name;
    private final List<String> command;
    private final Path log;
    private final int grpcPort;
    private final int httpPort;
    private volatile LaunchedProcess process;

    ServerReplica(String name, ReplicaLaunch launch, List<String> etcdEndpoints, Duration leaseTtl, Path workDir) {
        this.name = name;
        this.grpcPort = LoopbackPorts.free();
        this.httpPort = LoopbackPorts.free();
        this.log = workDir.resolve(name + ".log");
        List<String> args = new ArrayList<>(launch.javaCommand());
        args.addAll(List.of(
                "io.weft.allocator.AllocatorMain",
                "--etcd-endpoints",
                String.join(",", etcdEndpoints),
                "--listen",
                "127.0.0.1:" + grpcPort,
                "--http-listen",
                "127.0.0.1:" + httpPort,
                "--lease-ttl",
                leaseTtl.toSeconds() + "s"));
        this.command = List.copyOf(args);
    }

    String name() {
        return name;
    }

    ServerAddress address() {
        return new ServerAddress("127.0.0.1", grpcPort);
    }

    /** Launches the process and returns once {@code /readyz} answers 200. */
    void start() throws IOException {
        LaunchedProcess started = LaunchedProcess.start(command, log);
        process = started;
        started.awaitReady(httpPort, READY_WITHIN);
    }

    /** kill -9, as a crash; returns once the process is gone. */
    void kill() throws InterruptedException {
        process.kill();
    }

    /** SIGTERM and the shutdown hook's graceful close; SIGKILL if that takes too long. */
    void stop() throws InterruptedException {
        LaunchedProcess current = process;
        if (current != null) {
            current.stop(STOP_GRACE);
        }
    }

    /** SIGSTOP: the replica freezes with its connections open, as in a long GC pause. */
    void pause() {
        process.signal(Signal.STOP);
    }

    /** SIGCONT: undoes {@link #pause()}. */
    void resume() {
        process.signal(Signal.CONT);
    }

    boolean isAlive() {
        LaunchedProcess current = process;
        return current != null && current.isAlive();
    }

    @Override
    public void close() {
        LaunchedProcess current = process;
        if (current != null) {
            current.close();
        }
    }
}
