package io.weft.bench.lab;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape of a Prometheus endpoint (etcd's, or allocator-server's): every series
 * ({@code name{labels}}) and its value.
 * Counters are compared between two scrapes with {@link #minus}.
 */
public final class PrometheusScrape {

    private final Map<String, Double> series;

    private PrometheusScrape(Map<String, Double> series) {
        this.series = series;
    }

    static PrometheusScrape parse(String text) {
        Map<String, Double> series = new HashMap<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            if (space <= 0) {
                continue;
            }
            try {
                series.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
            } catch (NumberFormatException ignored) {
                // not a sample line
            }
        }
        return new PrometheusScrape(series);
    }

    /** This scrape minus an earlier one, series by series. */
    public PrometheusScrape minus(PrometheusScrape before) {
        Map<String, Double> delta = new HashMap<>();
        series.forEach((name, value) -> delta.put(name, value - before.series.getOrDefault(name, 0.0)));
        return new PrometheusScrape(delta);
    }

    /** The sum over every series of metric {@code name} whose labels contain all of {@code labels}. */
    public double sum(String name, String... labels) {
        double total = 0;
        for (Map.Entry<String, Double> entry : series.entrySet()) {
            if (matches(entry.getKey(), name, labels)) {
                total += entry.getValue();
            }
        }
        return total;
    }

    /** The non-zero series of metric {@code name}, keyed by the value of {@code label}, summed. */
    public Map<String, Double> byLabel(String name, String label) {
        Map<String, Double> result = new TreeMap<>();
        String key = label + "=\"";
        for (Map.Entry<String, Double> entry : series.entrySet()) {
            String series = entry.getKey();
            int at = series.indexOf(key);
            if (matches(series, name) && at >= 0 && entry.getValue() != 0) {
                String value = series.substring(at + key.length(), series.indexOf('"', at + key.length()));
                result.merge(value, entry.getValue(), Double::sum);
            }
        }
        return result;
    }

    /**
     * The upper bound of the bucket where histogram {@code name} (its {@code _bucket} series)
     * reaches quantile {@code q}: in a difference of two scrapes, the quantile of what happened
     * between them, to the bucket's resolution. 0 when nothing was counted.
     */
    public double quantile(String name, double q) {
        TreeMap<Double, Double> cumulative = new TreeMap<>();
        byLabel(name + "_bucket", "le")
                .forEach((le, count) ->
                        cumulative.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), count));
        double total = cumulative.isEmpty() ? 0 : cumulative.lastEntry().getValue();
        for (Map.Entry<Double, Double> bucket : cumulative.entrySet()) {
            if (total > 0 && bucket.getValue() >= q * total) {
                return bucket.getKey();
            }
        }
        return 0;
    }

    private static boolean matches(String series, String name, String... labels) {
        if (!series.equals(name) && !series.startsWith(name + "{")) {
            return false;
        }
        for (String label : labels) {
            if (!series.contains(label)) {
                return false;
            }
        }
        return true;
    }
}
