package dev.jinn.spark;

import java.io.Serializable;

/**
 * The sum over some partitions' batches of {@code n_p ·} (the batch's mean gradient) and of {@code n_p ·} (its
 * mean loss), with {@code Σ n_p}: divided by that count it is the gradient and loss of the mean NLL over the
 * concatenation of the batches, which is what one step of single-JVM training on that concatenation uses.
 * Sums are merged in float64 whatever the model's dtype.
 *
 * @param count   the rows the sums are over
 * @param lossSum {@code Σ n_p · loss_p}
 * @param grads   per parameter, {@code Σ n_p · grad_p}; null when {@code count == 0}
 */
record GradientSum(long count, double lossSum, double[][] grads) implements Serializable {
    private static final long serialVersionUID = 1L;
    /** No rows yet. */
    static final GradientSum EMPTY = new GradientSum(0, 0, null);

    /**
     * Adds two sums (either may be empty).
     *
     * @param other the other sum
     * @return the merged sum (a new one; neither argument changes)
     */
    GradientSum merge(GradientSum other) {
        if (other.count == 0) {
            return this;
        }
        if (count == 0) {
            return other;
        }
        double[][] g = new double[grads.length][];
        for (int i = 0; i < g.length; i++) {
            g[i] = grads[i].clone();
            for (int j = 0; j < g[i].length; j++) {
                g[i][j] += other.grads[i][j];
            }
        }
        return new GradientSum(count + other.count, lossSum + other.lossSum, g);
    }
}
