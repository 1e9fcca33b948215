package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/**
 * The softplus function, as PyTorch's {@code nn.Softplus}: {@code y = log(1 + e^(beta·x)) / beta}, and
 * {@code y = x} where {@code beta·x > threshold} (for numerical stability). PyTorch's defaults:
 * {@code beta = 1}, {@code threshold = 20}.
 */
public final class Softplus extends Layer {
    private final double beta;
    private final double threshold;

    /** The activation with PyTorch's defaults {@code beta = 1}, {@code threshold = 20}. */
    public Softplus() {
        this(1.0, 20.0);
    }

    /**
     * The activation with the given sharpness and the default threshold 20.
     *
     * @param beta the sharpness, nonzero
     */
    public Softplus(double beta) {
        this(beta, 20.0);
    }

    /**
     * The activation with the given sharpness and threshold.
     *
     * @param beta      the sharpness, nonzero
     * @param threshold above which {@code beta·x} the identity is used
     */
    public Softplus(double beta, double threshold) {
        if (beta == 0 || !Double.isFinite(beta)) {
            throw new IllegalArgumentException("Softplus: beta must be finite and nonzero, got " + beta);
        }
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("Softplus: threshold is NaN");
        }
        this.beta = beta;
        this.threshold = threshold;
    }

    /**
     * The sharpness.
     *
     * @return {@code beta}
     */
    public double beta() {
        return beta;
    }

    /**
     * The threshold above which the identity is used.
     *
     * @return {@code threshold}
     */
    public double threshold() {
        return threshold;
    }

    /**
     * Applies the activation elementwise.
     *
     * @param x the input, any shape
     * @return the activation, same shape
     */
    @Override
    public Tensor forward(Tensor x) {
        return x.softplus(beta, threshold);
    }

    @Override
    protected String extraRepr() {
        return "beta=" + Repr.pyFloat(beta) + ", threshold=" + Repr.pyFloat(threshold);
    }
}
