package dev.jinn.flow.residual;

import dev.jinn.check.Require;
import dev.jinn.autograd.Grad;
import dev.jinn.nn.Init;
import dev.jinn.nn.Layer;
import dev.jinn.nn.SeededBuilder;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * A dense or convolutional layer {@code y = A_W x + b} whose operator norm is kept at most a coefficient
 * {@code c}, so that a chain of such layers with 1-Lipschitz activations is a contraction (the residual branch
 * of an invertible ResNet).
 *
 * <p>The norm {@code σ = ‖A_W‖₂} is estimated by power iteration with two stored vectors: {@code v} in the input
 * space, {@code u} in the output space; one step is {@code v ← Aᵀu/‖Aᵀu‖}, {@code u ← Av/‖Av‖} and the estimate is
 * {@code σ̂ = ⟨u, A v⟩} (never above σ). For a convolution {@code A} is the convolution operator on inputs of one
 * spatial size (stride 1, "same" zero padding) and {@code Aᵀ} the transposed convolution, so {@code σ̂} estimates
 * the norm of the operator, not the norm of the reshaped kernel; the vectors have the shape of one sample.
 *
 * <p>Two {@link Normalisation modes}:
 * <ul>
 *   <li>{@link Normalisation#SOFT}: the layer applies {@code W / max(1, σ̂/c)}, with {@code σ̂ = ⟨u, A_W v⟩}
 *       differentiable in {@code W} (u, v held fixed, as PyTorch's {@code spectral_norm}). The vectors advance by
 *       {@code powerIterations} steps whenever the layer is bound with {@code advance = true} (training-mode
 *       forward calls of the blocks) and are persistent buffers.</li>
 *   <li>{@link Normalisation#EXPLICIT} (FrEIA): the layer applies its raw weight;
 *       {@link #lipschitzCorrection()} rescales it in place.</li>
 * </ul>
 *
 * <p>Parameters: {@code weight} ({@code [out, in]} or {@code [out, in, k...]}) and {@code bias} ({@code [out]}),
 * initialised as PyTorch's {@code Linear}/{@code Conv}: both from {@code U(±1/√fan_in)}. Buffers: {@code u} and
 * {@code v}. For a convolution built without a spatial size the vectors are created (and run to convergence)
 * at the first call, from the size of its input, and again whenever that size changes.
 */
public final class SpectralNorm extends Layer {
    private static final int MAX_CONVERGENCE_STEPS = 2000;
    private static final int MEASURE_STEPS = 5000;

    private final WeightOperator op;
    private final double coefficient;
    private final Normalisation mode;
    private final int powerIterations;
    private final Rng rng;

    private SpectralNorm(Builder b) {
        this.op = b.op;
        this.coefficient = b.coefficient;
        this.mode = b.mode;
        this.powerIterations = b.powerIterations;
        this.rng = b.generatorOrDefault();
        double bound = 1.0 / Math.sqrt(op.fanIn());
        registerParameter("weight", Init.uniform(Tensors.zeros(op.weightShape()), -bound, bound, rng));
        registerParameter("bias", b.bias ? Init.uniform(Tensors.zeros(op.outChannels), -bound, bound, rng) : null);
        boolean persistent = mode == Normalisation.SOFT;
        registerBuffer("u", null, persistent);
        registerBuffer("v", null, persistent);
        if (b.spatialSize != null || op.sampleRank() == 1) {
            int[] sample = new int[op.sampleRank()];
            sample[0] = op.inChannels;
            if (b.spatialSize != null) {
                System.arraycopy(b.spatialSize, 0, sample, 1, b.spatialSize.length);
            }
            ensureVectors(sample);
        }
    }

    /**
     * A dense layer {@code y = x·Wᵀ + b} on {@code [N, in]}.
     *
     * @param in  input features
     * @param out output features
     * @return a builder (c = 0.9, {@link Normalisation#SOFT}, one power step per training call, bias on)
     */
    public static Builder linear(int in, int out) {
        return new Builder(WeightOperator.dense(in, out));
    }

    /**
     * A 1-D convolution with an odd kernel, stride 1 and "same" padding on {@code [N, in, L]}.
     *
     * @param in     input channels
     * @param out    output channels
     * @param kernel the odd kernel size
     * @return a builder
     */
    public static Builder conv1d(int in, int out, int kernel) {
        return new Builder(WeightOperator.conv(1, in, out, kernel));
    }

    /**
     * A 2-D convolution with an odd square kernel, stride 1 and "same" padding on {@code [N, in, H, W]}.
     *
     * @param in     input channels
     * @param out    output channels
     * @param kernel the odd kernel size
     * @return a builder
     */
    public static Builder conv2d(int in, int out, int kernel) {
        return new Builder(WeightOperator.conv(2, in, out, kernel));
    }

    /**
     * The raw weight (before normalisation).
     *
     * @return the parameter {@code weight}
     */
    public Tensor weight() {
        return parameter("weight");
    }

    /**
     * The bias.
     *
     * @return the parameter {@code bias}, or null
     */
    public Tensor bias() {
        return parameter("bias");
    }

    /**
     * The bound {@code c} on the operator norm.
     *
     * @return the coefficient
     */
    public double coefficient() {
        return coefficient;
    }

    /**
     * How the bound is enforced.
     *
     * @return the mode
     */
    public Normalisation normalisation() {
        return mode;
    }

    /**
     * The input sample shape the power-iteration vectors belong to.
     *
     * @return {@code [in, spatial...]}, or null before the first call of a convolution built without a size
     */
    public int[] sampleShape() {
        Tensor v = buffer("v");
        return v == null ? null : v.shape();
    }

    /**
     * Prepares the layer for one block call: (re)creates the vectors for this sample shape if needed, advances the
     * power iteration when asked (soft mode only), computes the weight to apply once, and returns the map
     * {@code x ↦ A_{W'} x + b}. Every evaluation inside one block call (fixed-point iterations, Jacobian products)
     * must use the same bound map, so that they all see the same weights.
     *
     * @param inputSample the shape of one input sample, {@code [in, spatial...]}
     * @param advance     run {@code powerIterations} power steps first (soft mode; training-mode forward calls)
     * @return the bound map, recorded by autograd when gradients are enabled
     */
    public UnaryOperator<Tensor> bind(int[] inputSample, boolean advance) {
        op.checkSampleShape(inputSample);
        ensureVectors(inputSample);
        if (mode == Normalisation.SOFT && advance && powerIterations > 0) {
            powerIterate(powerIterations);
        }
        Tensor w = effectiveWeight();
        Tensor b = bias();
        return x -> op.apply(x, w, b);
    }

    /**
     * Applies the layer to a batch, advancing the power iteration in training mode (soft mode).
     *
     * @param x {@code [N, in]}, {@code [N, in, L]} or {@code [N, in, H, W]}
     * @return {@code [N, out, ...]}
     */
    @Override
    public Tensor forward(Tensor x) {
        return bind(sampleOf(x), isTraining()).apply(x);
    }

    /**
     * The weight the layer applies: {@code W / max(1, σ̂/c)} in soft mode (differentiable in {@code W}), the raw
     * weight in explicit mode.
     *
     * @return the weight
     * @throws IllegalStateException in soft mode before the vectors exist (a convolution never called)
     */
    public Tensor effectiveWeight() {
        Tensor w = weight();
        if (mode == Normalisation.EXPLICIT) {
            return w;
        }
        Tensor u = requireVectors("effectiveWeight").get(0);
        Tensor v = buffer("v");
        Tensor sigma = op.apply(v.unsqueeze(0), w, null).mul(u.unsqueeze(0)).sum();
        return w.div(sigma.div(coefficient).maximum(Tensors.scalar(1.0, w.dtype())));
    }

    /**
     * The current power-iteration estimate {@code σ̂ = ⟨u, A_W v⟩} of the raw weight's operator norm.
     *
     * @return σ̂ (a lower bound of σ)
     * @throws IllegalStateException before the vectors exist
     */
    public double sigmaEstimate() {
        List<Tensor> uv = requireVectors("sigmaEstimate");
        try (var g = Grad.disabled()) {
            return op.apply(uv.get(1).unsqueeze(0), weight().detach(), null).mul(uv.get(0).unsqueeze(0)).sum().item();
        }
    }

    /**
     * Runs power-iteration steps on the raw weight, updating the stored vectors.
     *
     * @param steps the number of steps, at least 1
     * @return the new estimate σ̂
     * @throws IllegalStateException before the vectors exist
     */
    public double powerIterate(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException(op.name() + ": powerIterate needs at least one step, got " + steps);
        }
        requireVectors("powerIterate");
        double sigma = 0;
        try (var g = Grad.disabled()) {
            Tensor w = weight().detach();
            for (int i = 0; i < steps; i++) {
                sigma = step(w);
            }
        }
        return sigma;
    }

    /**
     * Forces the bound: runs the power iteration until the estimate settles (at least {@code minSteps} steps),
     * then, in explicit mode, multiplies the weight in place by {@code c/σ̂} if {@code σ̂ > c}. In soft mode the
     * converged estimate makes the applied weight's norm {@code min(σ, c)}.
     *
     * @param minSteps the least number of power steps (FrEIA's {@code lipschitz_iterations})
     * @return the norm of the applied weight according to the converged estimate, {@code min(σ̂, c)}
     * @throws IllegalStateException before the vectors exist (a convolution never called, built without a size)
     */
    public double lipschitzCorrection(int minSteps) {
        requireVectors("lipschitzCorrection");
        double sigma = converge(Math.max(1, minSteps));
        if (mode == Normalisation.EXPLICIT && sigma > coefficient) {
            try (var g = Grad.disabled()) {
                Tensor w = weight();
                w.copyFrom(w.mul(coefficient / sigma));
            }
        }
        return Math.min(sigma, coefficient);
    }

    /**
     * As {@link #lipschitzCorrection(int)} with at least one power step.
     *
     * @return {@code min(σ̂, c)} after convergence
     */
    public double lipschitzCorrection() {
        return lipschitzCorrection(1);
    }

    /**
     * Measures the operator norm of the map the layer applies now (the {@link #effectiveWeight()}), independently
     * of the stored vectors: exactly by SVD for a dense layer, by a power iteration in float64 run to convergence
     * from a fixed start for a convolution (on the sample shape of the stored vectors). The stored vectors are not
     * changed.
     *
     * @return {@code ‖A_{W'}‖₂}
     * @throws IllegalStateException for a convolution whose sample shape is not known yet
     */
    public double operatorNorm() {
        int[] sample = sampleShape();
        if (sample == null) {
            throw new IllegalStateException(op.name() + ": operatorNorm needs the input size; call the layer once "
                    + "first or build it with spatialSize(...)");
        }
        try (var g = Grad.disabled()) {
            Tensor w = effectiveWeight().detach().to(DType.FLOAT64);
            if (op.sampleRank() == 1) {
                return w.svd().s().toDoubleArray()[0];
            }
            Rng start = new Rng(0);
            Tensor x = normalize(Tensors.randn(start, DType.FLOAT64, sample).unsqueeze(0));
            double previous = 0;
            double sigma = 0;
            for (int i = 0; i < MEASURE_STEPS; i++) {
                Tensor ax = op.apply(x, w, null);
                sigma = ax.norm().item();
                x = normalize(op.applyTransposed(ax, w));
                if (Math.abs(sigma - previous) <= 1e-13 * sigma) {
                    break;
                }
                previous = sigma;
            }
            return sigma;
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** One power step on the detached raw weight; updates the buffers and returns ⟨u, A v⟩ = ‖A v‖. */
    private double step(Tensor w) {
        Tensor v = normalize(op.applyTransposed(buffer("u").unsqueeze(0), w)).squeeze(0);
        Tensor av = op.apply(v.unsqueeze(0), w, null).squeeze(0);
        double sigma = av.norm().item();
        setBuffer("u", av.div(Math.max(sigma, 1e-30)));
        setBuffer("v", v);
        return sigma;
    }

    /** Steps until the estimate changes by less than a dtype-dependent relative tolerance. */
    private double converge(int minSteps) {
        double tol = weight().dtype() == DType.FLOAT64 ? 1e-11 : 1e-6;
        try (var g = Grad.disabled()) {
            Tensor w = weight().detach();
            double previous = step(w);
            double sigma = previous;
            for (int i = 1; i < MAX_CONVERGENCE_STEPS; i++) {
                sigma = step(w);
                if (i + 1 >= minSteps && Math.abs(sigma - previous) <= tol * sigma) {
                    break;
                }
                previous = sigma;
            }
            return sigma;
        }
    }

    /** Creates the vectors for a sample shape (random start, then converged) unless they already fit it. */
    private void ensureVectors(int[] inputSample) {
        Tensor v = buffer("v");
        if (v != null && Arrays.equals(v.shape(), inputSample)) {
            return;
        }
        op.checkSampleShape(inputSample);
        DType dtype = weight().dtype();
        try (var g = Grad.disabled()) {
            Tensor v0 = normalize(Tensors.randn(rng, dtype, inputSample).unsqueeze(0));
            Tensor av = op.apply(v0, weight().detach(), null);
            setBuffer("u", normalize(av).squeeze(0));
            setBuffer("v", v0.squeeze(0));
        }
        converge(1);
    }

    private List<Tensor> requireVectors(String what) {
        Tensor u = buffer("u");
        Tensor v = buffer("v");
        if (u == null || v == null) {
            throw new IllegalStateException(op.name() + "." + what + ": the power-iteration vectors do not exist yet; "
                    + "call the layer once or build it with spatialSize(...)");
        }
        return List.of(u, v);
    }

    private static Tensor normalize(Tensor x) {
        return x.div(Math.max(x.norm().item(), 1e-30));
    }

    private int[] sampleOf(Tensor x) {
        int[] s = x.shape();
        if (s.length != op.sampleRank() + 1) {
            throw new IllegalArgumentException(op.name() + ": expected a batch of rank " + (op.sampleRank() + 1)
                    + " (batch axis first), got shape " + Arrays.toString(s));
        }
        return Arrays.copyOfRange(s, 1, s.length);
    }

    @Override
    protected String extraRepr() {
        return op.name() + ", c=" + coefficient + ", " + mode.name().toLowerCase(Locale.ROOT);
    }

    /**
     * Options of a {@link SpectralNorm} layer; every setter returns this builder. The generator
     * ({@link SeededBuilder#rng}) draws the initial weights and the power-iteration start vectors.
     */
    public static final class Builder extends SeededBuilder<Builder> {
        private final WeightOperator op;
        private double coefficient = 0.9;
        private Normalisation mode = Normalisation.SOFT;
        private int powerIterations = 1;
        private boolean bias = true;
        private int[] spatialSize;

        private Builder(WeightOperator op) {
            this.op = op;
        }

        /**
         * The bound {@code c} on the operator norm (default 0.9).
         *
         * @param c positive; below 1 for an invertible residual block
         * @return this builder
         */
        public Builder coefficient(double c) {
            if (!(c > 0) || Double.isInfinite(c)) {
                throw new IllegalArgumentException(op.name() + ": the coefficient must be positive and finite, got " + c);
            }
            this.coefficient = c;
            return this;
        }

        /**
         * How the bound is enforced (default {@link Normalisation#SOFT}).
         *
         * @param normalisation the mode
         * @return this builder
         */
        public Builder normalisation(Normalisation normalisation) {
            this.mode = Require.nonNull(normalisation, op.name() + ": the normalisation");
            return this;
        }

        /**
         * Power steps per training-mode call in soft mode (default 1; 0 freezes the vectors).
         *
         * @param steps at least 0
         * @return this builder
         */
        public Builder powerIterations(int steps) {
            this.powerIterations = Require.atLeast(0, steps, op.name() + ": powerIterations");
            return this;
        }

        /**
         * Whether to learn a bias (default true).
         *
         * @param enabled add a bias
         * @return this builder
         */
        public Builder bias(boolean enabled) {
            this.bias = enabled;
            return this;
        }

        /**
         * The spatial size of the inputs of a convolution, so the vectors exist from the start (default: taken
         * from the first input).
         *
         * @param sizes {@code L} for 1-D, {@code H, W} for 2-D
         * @return this builder
         */
        public Builder spatialSize(int... sizes) {
            if (op.sampleRank() == 1) {
                throw new IllegalArgumentException(op.name() + ": a dense layer has no spatial size");
            }
            if (sizes == null || sizes.length != op.sampleRank() - 1) {
                throw new IllegalArgumentException(op.name() + ": expected " + (op.sampleRank() - 1)
                        + " spatial sizes, got " + Arrays.toString(sizes));
            }
            for (int s : sizes) {
                if (s < 1) {
                    throw new IllegalArgumentException(op.name() + ": spatial sizes must be positive, got "
                            + Arrays.toString(sizes));
                }
            }
            this.spatialSize = sizes.clone();
            return this;
        }


        /**
         * Builds the layer (in float32; convert with {@code to(dtype)}).
         *
         * @return the layer
         */
        public SpectralNorm build() {
            return new SpectralNorm(this);
        }
    }
}
