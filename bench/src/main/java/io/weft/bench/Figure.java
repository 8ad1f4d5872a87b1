package io.weft.bench;

/**
 * One figure of the benchmark suite: it sets up what it measures (etcd, servers, client
 * processes), measures weft and its baseline in the same run, and reports rows and notes.
 *
 * <p>A figure owns everything it starts and stops it before {@link #run} returns, also when it
 * fails. Rows reported before a failure are kept; {@link BenchMain} adds a failure row.
 */
public interface Figure {

    /** The figure's number in issue 4 ("1", "2", ...), used by {@code --only}. */
    String id();

    /** What it measures, in a few words, for progress lines and RESULTS.md. */
    String title();

    void run(BenchContext context, FigureReport report) throws Exception;
}
