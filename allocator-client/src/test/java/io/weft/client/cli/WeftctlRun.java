package io.weft.client.cli;

import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** One weftctl invocation in this JVM: its exit code and what it printed. */
record WeftctlRun(int exitCode, String out, String err) {

    static WeftctlRun of(String... args) {
        return withStdin("", args);
    }

    static WeftctlRun withStdin(String stdin, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        WeftctlCommand root = new WeftctlCommand(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        int exitCode = Weftctl.commandLine(root, args)
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new WeftctlRun(exitCode, out.toString(), err.toString());
    }

    List<String> errLines() {
        return err.lines().toList();
    }

    List<String> outLines() {
        return out.lines().toList();
    }
}
