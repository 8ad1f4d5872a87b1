package io.weft.bench;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code bench/run [--quick] [--only 1,3,...]}.
 *
 * @param quick small sizes: a smoke run of every step in about a minute
 * @param only  figure ids to run; empty means all
 */
record BenchOptions(boolean quick, Set<String> only) {

    static final String USAGE = """
            usage: bench/run [--quick] [--only ID[,ID...]]
              --quick   every figure at a small size (about a minute); results go to bench/target/quick/
              --only    run only these figures, e.g. --only 1,3
            Full run: about 16-20 minutes on 2 cores; writes bench/RESULTS.md and bench/latency-vs-leases.png.""";

    static BenchOptions parse(List<String> args) {
        boolean quick = false;
        Set<String> only = new LinkedHashSet<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            switch (arg) {
                case "--quick" -> quick = true;
                case "--only" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException("--only needs figure ids, e.g. --only 1,3");
                    }
                    only.addAll(List.of(args.get(++i).split(",")));
                }
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            }
        }
        return new BenchOptions(quick, Set.copyOf(only));
    }

    boolean selects(Figure figure) {
        return only.isEmpty() || only.contains(figure.id());
    }
}
