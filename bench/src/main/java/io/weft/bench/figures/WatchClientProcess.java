package io.weft.bench.figures;

import io.weft.bench.BenchContext;
import io.weft.bench.child.WatchFanoutMain;
import io.weft.bench.lab.ChildProcess;
import io.weft.client.ServerAddress;
import java.util.ArrayList;
import java.util.List;

/** Starts {@link WatchFanoutMain} in its own JVM: the watchers of figures 3 and 4. */
final class WatchClientProcess {

    private WatchClientProcess() {}

    static ChildProcess start(
            BenchContext context, String figureId, ServerAddress server, int watchers, List<String> more)
            throws Exception {
        List<String> args = new ArrayList<>(
                List.of("--server", server.host() + ":" + server.port(), "--watchers", Integer.toString(watchers)));
        args.addAll(more);
        return ChildProcess.start(
                context.javaCommand(WatchFanoutMain.class.getName(), List.of(), args),
                context.work().resolve("watchers-fig" + figureId + ".log"),
                line -> context.progress(figureId, "watcher process: " + line));
    }
}
