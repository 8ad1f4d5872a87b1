package io.weft.bench.lab;

import java.util.Arrays;

/**
 * p50, p99 and max of a sample (nearest rank), in the sample's own unit.
 */
public record Percentiles(long p50, long p99, long max, int count) {

    public static Percentiles of(long[] sample) {
        if (sample.length == 0) {
            throw new IllegalArgumentException("no samples");
        }
        long[] sorted = sample.clone();
        Arrays.sort(sorted);
        return new Percentiles(rank(sorted, 0.50), rank(sorted, 0.99), sorted[sorted.length - 1], sorted.length);
    }

    private static long rank(long[] sorted, double quantile) {
        int index = (int) Math.ceil(quantile * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }
}
