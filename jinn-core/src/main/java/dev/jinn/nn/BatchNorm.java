package dev.jinn.nn;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;

/**
 * Batch normalisation over the channel dim 1, as PyTorch's {@code _BatchNorm}; {@link BatchNorm1d} and
 * {@link BatchNorm2d} fix the accepted input ranks.
 *
 * <p>For each channel {@code c}, with the statistics taken over every dim but dim 1:
 * <pre>
 *   y = (x - μ_c) / √(σ²_c + eps) · weight_c + bias_c
 * </pre>
 * In training mode (or whenever running statistics are not tracked) {@code μ} and {@code σ²} are the batch mean
 * and the <em>biased</em> batch variance, and gradients flow through them. With {@code n} values per channel the
 * running statistics are then updated, outside autograd, as
 * <pre>
 *   running_mean = (1 - m) · running_mean + m · μ
 *   running_var  = (1 - m) · running_var  + m · σ² · n / (n - 1)     (the unbiased variance)
 * </pre>
 * where {@code m} is {@code momentum}, or {@code 1 / num_batches_tracked} (a cumulative moving average) when
 * {@code momentum} is null; {@code num_batches_tracked} counts the training batches. In evaluation mode the
 * running statistics are used instead.
 *
 * <p>PyTorch's names and defaults: {@code eps = 1e-5}, {@code momentum = 0.1}, {@code affine = true}
 * ({@code weight} initialised to 1, {@code bias} to 0), {@code track_running_stats = true} (buffers
 * {@code running_mean} = 0, {@code running_var} = 1, and the int64 scalar {@code num_batches_tracked} = 0).
 */
public abstract class BatchNorm extends AffineLayer {
    private final int numFeatures;
    private final double eps;
    private final Double momentum;
    private final boolean affine;
    private final boolean trackRunningStats;

    /**
     * Creates the layer in float32.
     *
     * @param numFeatures       the number of channels {@code C}
     * @param eps               added to the variance for numerical stability (PyTorch: 1e-5)
     * @param momentum          the weight of the new batch in the running statistics (PyTorch: 0.1), or null for
     *                          a cumulative moving average
     * @param affine            whether to learn {@code weight} and {@code bias} (PyTorch: true)
     * @param trackRunningStats whether to keep running statistics for evaluation (PyTorch: true)
     */
    protected BatchNorm(int numFeatures, double eps, Double momentum, boolean affine, boolean trackRunningStats) {
        if (numFeatures <= 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": num_features must be positive, got "
                    + numFeatures);
        }
        if (!(eps >= 0) || !Double.isFinite(eps)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": eps must be finite and >= 0, got " + eps);
        }
        if (momentum != null && !(momentum >= 0 && momentum <= 1)) {
            throw new IllegalArgumentException(getClass().getSimpleName() + ": momentum must be in [0, 1] or null, got "
                    + momentum);
        }
        this.numFeatures = numFeatures;
        this.eps = eps;
        this.momentum = momentum;
        this.affine = affine;
        this.trackRunningStats = trackRunningStats;
        registerParameter("weight", affine ? Tensors.ones(DType.FLOAT32, numFeatures) : null);
        registerParameter("bias", affine ? Tensors.zeros(DType.FLOAT32, numFeatures) : null);
        registerBuffer("running_mean", trackRunningStats ? Tensors.zeros(DType.FLOAT32, numFeatures) : null, true);
        registerBuffer("running_var", trackRunningStats ? Tensors.ones(DType.FLOAT32, numFeatures) : null, true);
        registerBuffer("num_batches_tracked", trackRunningStats ? Tensors.zeros(DType.INT64) : null, true);
    }

    /**
     * Checks the rank of the input (and names the accepted shapes in the message).
     *
     * @param x the input
     * @throws IllegalArgumentException for an unsupported rank
     */
    protected abstract void checkInputDim(Tensor x);

    /**
     * The accepted input shapes for messages, e.g. {@code [N, 4] or [N, 4, L]}.
     *
     * @return the text
     */
    protected abstract String expectedShape();

    /**
     * The start of error messages: the class name and the channel count, e.g. {@code BatchNorm1d(4)}.
     *
     * @return the text
     */
    protected final String describe() {
        return getClass().getSimpleName() + "(" + numFeatures + ")";
    }

    /**
     * Builds the standard message for an input of the wrong shape.
     *
     * @param x the input
     * @return the exception to throw
     */
    protected final IllegalArgumentException badShape(Tensor x) {
        return new IllegalArgumentException(describe() + ": expected input " + expectedShape() + ", got "
                + Arrays.toString(x.shape()));
    }

    /** Resets the running statistics to mean 0, variance 1 and zero batches tracked (if tracked). */
    public void resetRunningStats() {
        if (trackRunningStats) {
            try (Grad.Scope g = Grad.disabled()) {
                runningMean().fill(0.0);
                runningVar().fill(1.0);
                buffer("num_batches_tracked").fill(0.0);
            }
        }
    }

    /** Resets the running statistics and, if affine, the weight to 1 and the bias to 0. */
    public void resetParameters() {
        resetRunningStats();
        if (affine) {
            Init.ones(weight());
            Init.zeros(bias());
        }
    }

    /**
     * The number of channels.
     *
     * @return {@code num_features}
     */
    public int numFeatures() {
        return numFeatures;
    }

    /**
     * The constant added to the variance.
     *
     * @return {@code eps}
     */
    public double eps() {
        return eps;
    }

    /**
     * The weight of each new batch in the running statistics.
     *
     * @return {@code momentum}, or null for a cumulative moving average
     */
    public Double momentum() {
        return momentum;
    }

    /**
     * Whether the layer learns {@code weight} and {@code bias}.
     *
     * @return {@code affine}
     */
    public boolean affine() {
        return affine;
    }

    /**
     * Whether the layer keeps running statistics.
     *
     * @return {@code track_running_stats}
     */
    public boolean trackRunningStats() {
        return trackRunningStats;
    }



    /**
     * The running mean, shape {@code [C]}.
     *
     * @return the buffer, or null when statistics are not tracked
     */
    public Tensor runningMean() {
        return buffer("running_mean");
    }

    /**
     * The running (unbiased) variance, shape {@code [C]}.
     *
     * @return the buffer, or null when statistics are not tracked
     */
    public Tensor runningVar() {
        return buffer("running_var");
    }

    /**
     * The number of training batches seen since the statistics were last reset.
     *
     * @return {@code num_batches_tracked}, or 0 when statistics are not tracked
     */
    public long numBatchesTracked() {
        Tensor t = buffer("num_batches_tracked");
        return t == null ? 0 : t.toLongArray()[0];
    }

    /**
     * Normalises the input per channel (see the class documentation), updating the running statistics in
     * training mode.
     *
     * @param x the input, channels in dim 1, of the layer's dtype
     * @return the normalised tensor, same shape
     * @throws IllegalArgumentException for a wrong shape or dtype, or a single value per channel when batch
     *                                  statistics are needed
     */
    @Override
    public Tensor forward(Tensor x) {
        checkInputDim(x);
        int[] s = x.shape();
        if (s[1] != numFeatures) {
            throw badShape(x);
        }
        DType own = trackRunningStats ? runningMean().dtype() : affine ? weight().dtype() : x.dtype();
        if (x.dtype() != own) {
            throw new IllegalArgumentException(describe() + ": input dtype " + x.dtype() + " differs from the layer's "
                    + own + " (convert the input, or the layer with to(dtype))");
        }
        int[] dims = new int[s.length - 1];
        int[] channelShape = new int[s.length];
        Arrays.fill(channelShape, 1);
        channelShape[1] = numFeatures;
        dims[0] = 0;
        for (int d = 2; d < s.length; d++) {
            dims[d - 1] = d;
        }
        boolean useBatchStats = isTraining() || !trackRunningStats;
        Tensor normalized;
        if (useBatchStats) {
            long n = x.numel() / numFeatures;
            if (n == 1) {
                throw new IllegalArgumentException(describe() + ": Expected more than 1 value per channel when "
                        + "training, got input size " + Arrays.toString(s));
            }
            Tensor mean = x.mean(dims, true);
            Tensor var = x.var(dims, false, true);
            if (isTraining() && trackRunningStats) {
                updateRunningStats(mean, var, n);
            }
            normalized = x.sub(mean).mul(var.add(eps).rsqrt());
        } else {
            Tensor mean = runningMean().reshape(channelShape);
            Tensor invStd = runningVar().add(eps).rsqrt().reshape(channelShape);
            normalized = x.sub(mean).mul(invStd);
        }
        if (!affine) {
            return normalized;
        }
        return normalized.mul(weight().reshape(channelShape)).add(bias().reshape(channelShape));
    }

    private void updateRunningStats(Tensor mean, Tensor var, long n) {
        try (Grad.Scope g = Grad.disabled()) {
            Tensor count = buffer("num_batches_tracked");
            long batches = count.toLongArray()[0] + 1;
            count.copyFrom(Tensors.scalar(batches, DType.INT64));
            double m = momentum == null ? 1.0 / batches : momentum;
            Tensor rm = runningMean();
            Tensor rv = runningVar();
            Tensor unbiased = var.detach().reshape(numFeatures).mul((double) n / (n - 1));
            rm.copyFrom(rm.mul(1 - m).add(mean.detach().reshape(numFeatures).mul(m)));
            rv.copyFrom(rv.mul(1 - m).add(unbiased.mul(m)));
        }
    }

    @Override
    protected String extraRepr() {
        return numFeatures + ", eps=" + Repr.pyFloat(eps) + ", momentum="
                + (momentum == null ? "None" : Repr.pyFloat(momentum)) + ", affine=" + Repr.pyBool(affine)
                + ", track_running_stats=" + Repr.pyBool(trackRunningStats);
    }
}
