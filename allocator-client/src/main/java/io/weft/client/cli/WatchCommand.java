package io.weft.client.cli;

import io.weft.client.LeaseWatch;
import io.weft.client.WeftClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code weftctl watch}: follows lease changes until interrupted. */
@Command(
        name = "watch",
        mixinStandardHelpOptions = true,
        description = {
            "Prints lease changes as they happen, one line each, until Ctrl-C.",
            "It starts with a snapshot of every lease, or with the changes after --from-revision, "
                    + "and resumes by itself when the stream breaks."
        })
final class WatchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--from-revision",
            paramLabel = "N",
            defaultValue = "0",
            description = "Print the changes after revision N instead of starting with a snapshot.")
    private long fromRevision;

    @Mixin
    private OutputOption output;

    @Override
    public Integer call() throws InterruptedException, ExecutionException {
        PrintWriter out = spec.commandLine().getOut();
        WatchPrinter printer = new WatchPrinter(out, spec.commandLine().getErr(), output.json());
        if (!output.json()) {
            out.println(printer.header());
            out.flush();
        }
        try (WeftClient client = WeftctlCommand.of(spec).connect();
                LeaseWatch watch = LeaseWatch.builder(client, printer)
                        .startRevision(fromRevision)
                        .build()) {
            watch.start();
            // Runs until the watch gives up for good, or until Ctrl-C ends the JVM.
            throw printer.failure().get().asRuntimeException();
        }
    }
}
