package dev.jinn.flow.linear;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.nn.SeededBuilder;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Linalg;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * A learned orthogonal matrix with a bias and a clamped scaling, for vectors (FrEIA's
 * {@code OrthogonalTransform}).
 *
 * <p>Forward {@code z = (x·W + b) ⊙ e^{ls}}, with the clamped log-scaling
 * {@code ls = clamp·0.636·atan(scaling / clamp)}; log-det {@code Σ_j ls_j + ln|det W|}. Reverse
 * {@code x = (z ⊙ e^{−ls} − b)·W⁻¹}, log-det minus that.
 *
 * <p>Parameters (FrEIA's names): {@code weights} {@code (C, C)}, initialised to the left singular vectors of
 * {@code G + Gᵀ} for a Gaussian G (an orthogonal matrix); {@code bias} {@code (1, C)} ~ 0.05·N(0, 1);
 * {@code scaling} {@code (1, C)} ~ 0.02·N(0, 1). W is trained as a free matrix and projected back onto the
 * orthogonal matrices (Gram–Schmidt on its rows) by {@link #correct()}.
 *
 * <p>Differences from FrEIA, on purpose:
 * <ul>
 *   <li>FrEIA re-orthonormalises from a backward hook every {@code correction_interval} backward passes (with a
 *       randomised counter). jinn has no backward hooks: the correction runs at the start of every
 *       {@code correctionInterval}-th call of {@code forward} made in training mode (either direction; the
 *       counter is not part of the state), and {@link #correct()} can be called explicitly, e.g. after each
 *       optimizer step. In eval mode W is never changed.</li>
 *   <li>FrEIA's log-det ignores W and its reverse uses {@code Wᵀ}, which is exact only while W is orthogonal;
 *       between corrections W drifts, and the inverse and the density are then slightly wrong. jinn uses
 *       {@code W⁻¹} and adds {@code ln|det W|}, which equal FrEIA's values whenever W is orthogonal and keep the
 *       module exactly invertible with an exact log-det otherwise.</li>
 * </ul>
 */
public final class OrthogonalTransform extends InvertibleModule {
    /** FrEIA's approximation of {@code 2/π} in the clamp. */
    private static final double ATAN_FACTOR = 0.636;

    private final int width;
    private final int correctionInterval;
    private final double clamp;
    private long trainingCalls;

    /**
     * Builds the transform.
     *
     * @param dimsIn             one vector shape {@code (C,)}
     * @param dimsC              must be empty
     * @param correctionInterval re-orthonormalise W every this many training-mode calls (at least 1)
     * @param clamp              the log-scaling bound (positive)
     * @param rng                the generator for the initial values
     * @throws IllegalArgumentException for a non-vector input, conditions, or invalid settings
     */
    public OrthogonalTransform(List<Shape> dimsIn, List<Shape> dimsC, int correctionInterval, double clamp, Rng rng) {
        super(dimsIn, dimsC);
        String who = getClass().getSimpleName();
        if (dimsIn.size() != 1 || dimsIn.get(0).rank() != 1) {
            throw new IllegalArgumentException(who + " takes one vector input (C,), got " + dimsIn);
        }
        if (!dimsC.isEmpty()) {
            throw new IllegalArgumentException(who + " takes no conditions, got " + dimsC);
        }
        if (correctionInterval < 1) {
            throw new IllegalArgumentException(who + ": correctionInterval must be at least 1, got "
                    + correctionInterval);
        }
        if (!(clamp > 0) || !Double.isFinite(clamp)) {
            throw new IllegalArgumentException(who + ": clamp must be positive and finite, got " + clamp);
        }
        this.width = dimsIn.get(0).channels();
        this.correctionInterval = correctionInterval;
        this.clamp = clamp;
        Tensor g = Tensors.randn(rng, DType.FLOAT64, width, width);
        Tensor w = g.add(g.t()).svd().u();
        registerParameter("weights", w.to(DType.FLOAT32));
        registerParameter("bias", Tensors.randn(rng, DType.FLOAT64, 1, width).mul(0.05).to(DType.FLOAT32));
        registerParameter("scaling", Tensors.randn(rng, DType.FLOAT64, 1, width).mul(0.02).to(DType.FLOAT32));
    }

    /**
     * A builder with FrEIA's defaults ({@code correction_interval=256}, {@code clamp=5}).
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Projects W back onto the orthogonal matrices: Gram–Schmidt on its rows, in order (row 0 is only
     * normalised). Not recorded by autograd.
     */
    public void correct() {
        Tensor w = parameter("weights");
        double[] a = w.toDoubleArray();
        int n = width;
        for (int i = 0; i < n; i++) {
            // Modified Gram–Schmidt: subtract the projections on the already orthonormal rows one at a time.
            for (int j = 0; j < i; j++) {
                double dot = 0;
                for (int k = 0; k < n; k++) {
                    dot += a[i * n + k] * a[j * n + k];
                }
                for (int k = 0; k < n; k++) {
                    a[i * n + k] -= dot * a[j * n + k];
                }
            }
            double norm = 0;
            for (int k = 0; k < n; k++) {
                norm += a[i * n + k] * a[i * n + k];
            }
            norm = Math.sqrt(norm);
            if (!(norm > 0)) {
                throw new ArithmeticException(describe() + ": row " + i + " of the weights is linearly dependent on"
                        + " the rows before it; W cannot be re-orthonormalised");
            }
            for (int k = 0; k < n; k++) {
                a[i * n + k] /= norm;
            }
        }
        try (var g = Grad.disabled()) {
            w.copyFrom(Tensors.of(a, n, n));
        }
    }

    /**
     * The number of training-mode calls between two automatic corrections.
     *
     * @return the interval
     */
    public int correctionInterval() {
        return correctionInterval;
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        if (isTraining() && ++trainingCalls % correctionInterval == 0) {
            correct();
        }
        Tensor in = x.get(0);
        Tensor w = parameter("weights");
        Tensor bias = parameter("bias");
        Tensor logScale = parameter("scaling").div(clamp).atan().mul(clamp * ATAN_FACTOR);
        Tensor logDet = logScale.sum().add(w.slogdet().logAbsDet()).reshape(1).expand(in.size(0));
        if (reverse) {
            Tensor u = in.mul(logScale.neg().exp()).sub(bias);
            // x·W = u  ⇔  Wᵀ·xᵀ = uᵀ
            Tensor out = Linalg.solve(w.t(), u.t()).t();
            return FlowResult.of(out, logDet.neg());
        }
        return FlowResult.of(in.matmul(w).add(bias).mul(logScale.exp()), logDet);
    }

    /**
     * The output shape equals the input shape.
     *
     * @param inputDims one shape
     * @return the same shapes
     */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        return inputDims;
    }

    /** Builds {@link OrthogonalTransform}s; the generator ({@link SeededBuilder#rng}) draws the initial values. */
    public static final class Builder extends SeededBuilder<Builder> implements ModuleSpec {
        private int correctionInterval = 256;
        private double clamp = 5;

        private Builder() {
        }

        /**
         * How many training-mode calls between two re-orthonormalisations (default 256).
         *
         * @param interval at least 1
         * @return this builder
         */
        public Builder correctionInterval(int interval) {
            this.correctionInterval = interval;
            return this;
        }

        /**
         * The bound of the log-scaling (default 5).
         *
         * @param value positive
         * @return this builder
         */
        public Builder clamp(double value) {
            this.clamp = value;
            return this;
        }


        /**
         * Builds a transform for the given shapes.
         *
         * @param dimsIn one vector shape
         * @param dimsC  must be empty
         * @return the transform
         */
        @Override
        public OrthogonalTransform build(List<Shape> dimsIn, List<Shape> dimsC) {
            return new OrthogonalTransform(dimsIn, dimsC, correctionInterval, clamp,
                    generatorOrDefault());
        }
    }
}
