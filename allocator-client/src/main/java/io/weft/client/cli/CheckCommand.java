package io.weft.client.cli;

import io.weft.api.v1.CheckResponse;
import io.weft.api.v1.Problem;
import io.weft.client.WeftClient;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code weftctl check}: the server's consistency check of etcd, one line per problem. */
@Command(
        name = "check",
        mixinStandardHelpOptions = true,
        description = {
            "Checks what etcd holds under the prefix: one lease per node, one lease per public IP and VTEP MAC, "
                    + "every subnet inside the network and SubnetMin..SubnetMax, no overlaps, no unreadable keys, "
                    + "no keys on expired etcd leases, no etcd leases without keys, no stale weft claims.",
            "Prints one line per problem with what to do. It only reads: nothing changes.",
        },
        footer = {
            "",
            "Exit codes: 0 no problem, 1 problems found (or the server refused or could not be reached), 2 bad usage."
        })
final class CheckCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private OutputOption output;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        CheckResponse answer;
        try (WeftClient client = WeftctlCommand.of(spec).connect()) {
            answer = client.check();
        }
        boolean problems = answer.getProblemsCount() > 0;
        if (output.json()) {
            OutputOption.printJson(out, answer);
            return problems ? 1 : 0;
        }
        for (Problem problem : answer.getProblemsList()) {
            out.println(line(problem));
        }
        if (answer.getProblemsOmitted() > 0) {
            out.println("... and " + answer.getProblemsOmitted() + " more problem(s): use -o json for the first 1000");
        }
        out.println(
                (problems ? count(answer.getProblemsCount() + answer.getProblemsOmitted(), "problem") + " in " : "ok: ")
                        + checked(answer));
        return problems ? 1 : 0;
    }

    /** {@code KIND SUBJECT: detail; do: action}. */
    static String line(Problem problem) {
        return problem.getKind() + " " + problem.getSubject() + ": " + problem.getDetail() + "; do: "
                + problem.getAction();
    }

    private static String checked(CheckResponse answer) {
        List<String> parts = new ArrayList<>();
        parts.add(count(answer.getLeases(), "lease"));
        parts.add(count(answer.getReservations(), "reservation"));
        parts.add(count(answer.getClaims(), "claim key"));
        parts.add(count(answer.getEtcdLeases(), "etcd lease"));
        String text = String.join(", ", parts) + " checked at revision " + answer.getRevision();
        if (answer.getEtcdLeasesUnchecked() > 0) {
            text += " (the expiry of " + count(answer.getEtcdLeasesUnchecked(), "etcd lease")
                    + " not asked: past the check's limit)";
        }
        if (answer.getEmptyWeftBuckets() > 0) {
            text += "; " + count(answer.getEmptyWeftBuckets(), "of weft's shared etcd leases")
                    + " emptied by renewals, expiring by themselves";
        }
        return text;
    }

    /** "1 lease", "2 leases"; a phrase starting with "of" is left as it is. */
    private static String count(long n, String noun) {
        return n + " " + (n == 1 || noun.startsWith("of ") ? noun : noun + "s");
    }
}
