package dev.jinn.cli;

import java.io.IOException;
import java.util.List;

/**
 * Counts the rows (or samples) whose result is NaN or infinite, so that a command can refuse to report a mean of
 * NaN or write a file with holes: it fails with the count and the first one instead of exiting 0.
 */
final class NonFiniteRows {
    private final String noun;
    private final String position;
    private final String what;
    private long count;
    private long first = -1;
    private double firstValue;

    /**
     * A counter.
     *
     * @param noun     what is counted, plural (e.g. {@code rows})
     * @param position how one is located (e.g. {@code line})
     * @param what     the result that was not finite (e.g. {@code log-likelihood})
     */
    NonFiniteRows(String noun, String position, String what) {
        this.noun = noun;
        this.position = position;
        this.what = what;
    }

    /** Records a non-finite result at a position. */
    void add(long where, double value) {
        if (count++ == 0) {
            first = where;
            firstValue = value;
        }
    }

    /** Records every row holding a NaN or an infinity, numbering them from 1. */
    void addRows(List<double[]> rows) {
        for (int i = 0; i < rows.size(); i++) {
            for (double v : rows.get(i)) {
                if (!Double.isFinite(v)) {
                    add(i + 1, v);
                    break;
                }
            }
        }
    }

    /** How many were recorded. */
    long count() {
        return count;
    }

    /**
     * Fails when any result was not finite.
     *
     * @param source      the file or model the results came from, for the message
     * @param total       how many results there were in all
     * @param consequence what the command did about it, e.g. {@code nothing was written to scores.csv}
     * @throws IOException naming the count, the first position and value, and the consequence
     */
    void failIfAny(Object source, long total, String consequence) throws IOException {
        if (count > 0) {
            throw new IOException(source + ": " + count + " of " + total + " " + noun + " have a non-finite " + what
                    + " (the first, " + position + " " + first + ": " + firstValue + "); the model is numerically"
                    + " unstable there (far outside its training data?); " + consequence);
        }
    }
}
