package dev.jinn.nn;

import dev.jinn.tensor.Tensor;

/**
 * Batch normalisation of {@code [N, C]} or {@code [N, C, L]} inputs, as PyTorch's {@code nn.BatchNorm1d}:
 * statistics per channel {@code C} over the batch (and length) dims. See {@link BatchNorm} for the formulas;
 * defaults {@code eps = 1e-5}, {@code momentum = 0.1}, {@code affine = true}, {@code track_running_stats = true}.
 */
public final class BatchNorm1d extends BatchNorm {
    /**
     * A layer with PyTorch's defaults.
     *
     * @param numFeatures the number of channels {@code C}
     */
    public BatchNorm1d(int numFeatures) {
        this(numFeatures, 1e-5, 0.1);
    }

    /**
     * An affine layer tracking running statistics.
     *
     * @param numFeatures the number of channels {@code C}
     * @param eps         added to the variance (PyTorch: 1e-5)
     * @param momentum    the weight of each new batch in the running statistics (PyTorch: 0.1), or null for a
     *                    cumulative moving average
     */
    public BatchNorm1d(int numFeatures, double eps, Double momentum) {
        this(numFeatures, eps, momentum, true, true);
    }

    /**
     * A layer with every option, in PyTorch's argument order.
     *
     * @param numFeatures       the number of channels {@code C}
     * @param eps               added to the variance (PyTorch: 1e-5)
     * @param momentum          the weight of each new batch (PyTorch: 0.1), or null for a cumulative average
     * @param affine            whether to learn {@code weight} and {@code bias} (PyTorch: true)
     * @param trackRunningStats whether to keep running statistics (PyTorch: true)
     */
    public BatchNorm1d(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        super(numFeatures, eps, momentum, affine, trackRunningStats);
    }

    @Override
    protected void checkInputDim(Tensor x) {
        if (x.dim() != 2 && x.dim() != 3) {
            throw badShape(x);
        }
    }

    @Override
    protected String expectedShape() {
        return "[N, " + numFeatures() + "] or [N, " + numFeatures() + ", L]";
    }
}
