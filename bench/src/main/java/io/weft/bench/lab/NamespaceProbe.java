package io.weft.bench.lab;

import io.weft.bench.BenchContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How the weft-node figures measure a node against a real server without touching the host's
 * network: an allocator-server (with its own etcd) in a new network namespace, and one probe
 * process beside it in that namespace whose result the figure reads.
 */
public final class NamespaceProbe {

    /** Where the allocator listens inside the namespace; the probe gets both as its first arguments. */
    public static final int SERVER_PORT = 7070;

    public static final int SERVER_HTTP_PORT = 7071;

    private NamespaceProbe() {}

    /**
     * Runs {@code probeMain} with the two ports and then {@code probeArgs}, and answers its result.
     * The allocator keeps its data under {@code work/allocator} and logs to {@code
     * allocator-<tag>.log}; the probe logs to {@code node-probe-<tag>.log}, each line it prints is
     * the figure's progress. Both processes and the namespace are gone when this returns.
     */
    public static Map<String, String> run(
            BenchContext context,
            String figureId,
            Path work,
            String tag,
            Class<?> probeMain,
            List<String> probeArgs,
            long timeoutSeconds)
            throws Exception {
        try (BenchNamespace namespace = BenchNamespace.create()) {
            List<String> serverCommand = context.javaCommand(
                    "io.weft.allocator.AllocatorMain",
                    List.of(),
                    List.of(
                            "--data-dir",
                            work.resolve("allocator").toString(),
                            "--listen",
                            "127.0.0.1:" + SERVER_PORT,
                            "--http-listen",
                            "127.0.0.1:" + SERVER_HTTP_PORT));
            ChildProcess server = ChildProcess.start(
                    namespace.exec(serverCommand), context.work().resolve("allocator-" + tag + ".log"), line -> {});
            try {
                List<String> args =
                        new ArrayList<>(List.of(Integer.toString(SERVER_PORT), Integer.toString(SERVER_HTTP_PORT)));
                args.addAll(probeArgs);
                List<String> probe = context.javaCommand(probeMain.getName(), List.of(), args);
                try (ChildProcess prober = ChildProcess.start(
                        namespace.exec(probe),
                        context.work().resolve("node-probe-" + tag + ".log"),
                        line -> context.progress(figureId, line))) {
                    return prober.awaitResult(timeoutSeconds);
                }
            } finally {
                server.terminate();
            }
        }
    }
}
