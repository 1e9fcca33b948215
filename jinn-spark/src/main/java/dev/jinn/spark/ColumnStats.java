package dev.jinn.spark;

import dev.jinn.model.DecimalNumber;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.TreeSet;

/**
 * Per-column count, mean and sum of squared deviations of training rows, merged across partitions with Chan et
 * al.'s pairwise update (stable where the naive sum of squares cancels), plus the condition's distinct values
 * (categorical) or its range (numeric): what the data transform is made of.
 *
 * @param count      rows seen
 * @param mean       per-column mean
 * @param m2         per-column sum of squared deviations from the mean
 * @param categories the condition's distinct values (categorical conditions)
 * @param min        the smallest numeric condition value (or +∞)
 * @param max        the largest (or −∞)
 */
record ColumnStats(long count, double[] mean, double[] m2, TreeSet<String> categories, double min, double max)
        implements Serializable {
    private static final long serialVersionUID = 1L;
    /** More distinct values than this is not a categorical condition (nor something one-hot can encode). */
    static final int MAX_CATEGORIES = 10_000;

    /**
     * The statistics of one partition's training rows.
     *
     * @param p       the partition
     * @param dims    the data columns
     * @param numeric whether the condition is numeric (its values are then parsed for the range)
     * @return the statistics
     */
    static ColumnStats of(PartitionData p, int dims, boolean numeric) {
        double[] mean = new double[dims];
        double[] m2 = new double[dims];
        long n = 0;
        for (double[] r : p.rows()) {
            n++;
            for (int j = 0; j < dims; j++) {
                double delta = r[j] - mean[j];
                mean[j] += delta / n;
                m2[j] += delta * (r[j] - mean[j]);
            }
        }
        TreeSet<String> cats = new TreeSet<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (String c : p.conditions()) {
            if (numeric) {
                double v = DecimalNumber.parse(c);
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            } else if (cats.add(c.strip()) && cats.size() > MAX_CATEGORIES) {
                throw tooMany();
            }
        }
        return new ColumnStats(n, mean, m2, cats, lo, hi);
    }

    private static IllegalArgumentException tooMany() {
        return new IllegalArgumentException("the condition column has more than " + MAX_CATEGORIES + " distinct values;"
                + " a categorical condition needs few categories (use a numeric condition instead)");
    }

    /**
     * Merges two partitions' statistics.
     *
     * @param o the other
     * @return the statistics of both
     */
    ColumnStats merge(ColumnStats o) {
        if (o.count == 0 && o.categories.isEmpty()) {
            return this;
        }
        if (count == 0 && categories.isEmpty()) {
            return o;
        }
        long n = count + o.count;
        double[] mu = new double[mean.length];
        double[] s = new double[mean.length];
        for (int j = 0; j < mu.length; j++) {
            double delta = o.mean[j] - mean[j];
            mu[j] = n == 0 ? 0 : mean[j] + delta * o.count / n;
            s[j] = m2[j] + o.m2[j] + (n == 0 ? 0 : delta * delta * ((double) count * o.count / n));
        }
        TreeSet<String> cats = new TreeSet<>(categories);
        cats.addAll(o.categories);
        if (cats.size() > MAX_CATEGORIES) {
            throw tooMany();
        }
        return new ColumnStats(n, mu, s, cats, Math.min(min, o.min), Math.max(max, o.max));
    }

    /**
     * The population variance of each column.
     *
     * @return {@code m2 / count}
     */
    double[] variance() {
        double[] v = new double[m2.length];
        for (int j = 0; j < v.length; j++) {
            v[j] = m2[j] / Math.max(1, count);
        }
        return v;
    }

    /**
     * The categories in the command line's order: numerically when every one is a number, else by text.
     *
     * @return the sorted categories
     */
    List<String> sortedCategories() {
        List<String> c = new ArrayList<>(categories);
        if (c.stream().allMatch(DecimalNumber::matches)) {
            c.sort(Comparator.comparingDouble(DecimalNumber::parse));
        }
        return c;
    }
}
