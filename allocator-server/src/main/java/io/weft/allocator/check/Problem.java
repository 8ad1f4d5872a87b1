package io.weft.allocator.check;

import java.util.Comparator;
import java.util.List;

/**
 * One thing wrong in etcd.
 *
 * @param kind    what is wrong
 * @param subject the etcd key, subnet or etcd lease id (hex) it is about
 * @param nodes   the nodes involved, when known ("" stands for a flanneld lease)
 * @param detail  what was found, in words
 * @param action  what an operator can do about it
 */
public record Problem(ProblemKind kind, String subject, List<String> nodes, String detail, String action) {

    /** The order problems are reported in: by kind, then subject. */
    public static final Comparator<Problem> ORDER =
            Comparator.comparing(Problem::kind).thenComparing(Problem::subject);

    public Problem {
        nodes = List.copyOf(nodes);
    }
}
