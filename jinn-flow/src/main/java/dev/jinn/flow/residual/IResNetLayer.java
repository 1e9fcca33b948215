package dev.jinn.flow.residual;

import dev.jinn.check.Require;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.Stateful;
import dev.jinn.nn.ELU;
import dev.jinn.nn.Init;
import dev.jinn.nn.Layer;
import dev.jinn.nn.SeededBuilder;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An invertible residual block (i-ResNet, Behrmann et al. 2019) as FrEIA's {@code IResNetLayer}:
 * {@code y = x + g(x)} with a residual branch {@code g} whose Lipschitz constant is kept below 1, so that the map
 * is invertible.
 *
 * <p>{@code g} is {@code Linear(C→I) → ELU → [Linear(I→I) → ELU] × n → Linear(I→C)} for vectors {@code (C,)}, the
 * same with convolutions (odd kernel, default 3, "same" padding) for 1-D signals {@code (C, L)} and images
 * {@code (C, H, W)} (FrEIA handles vectors and images only). Parameter names are FrEIA's:
 * {@code residual.0.weight}, {@code residual.0.bias}, {@code residual.2.weight}, ... so FrEIA state dicts load.
 *
 * <p><b>Forward</b> {@code y = x + g(x)}; log-det {@code log det(I + J_g(x)) = Σ_{k≥1} (−1)^{k+1} tr(J_gᵏ)/k},
 * by default the truncated series with {@code jacobian_iterations} terms and {@code hutchinson_samples}
 * Rademacher probes (FrEIA's estimator) in training mode and the exact value from the Jacobian in eval mode for
 * samples of at most 16 values; any {@link LogDetMethod} can be chosen. Unlike FrEIA's, the estimate is
 * differentiable with respect to the parameters. <b>Reverse</b>: the fixed point of {@code x ← y − g(x)} from
 * {@code x = y} (at most {@code fixed_point_iterations} iterations, stopping early once converged; a warning, or
 * a {@link FixedPointException} if so configured, when it does not converge), then one differentiable step; its
 * log-det is {@code −log det(I + J_g(x))} at the recovered {@code x} (FrEIA evaluates it at {@code y}, a bug).
 * {@link #lastInversion()} reports the iterations and the residual.
 *
 * <p><b>Lipschitz bound.</b> As in FrEIA the weights are used as they are ({@link Normalisation#EXPLICIT}) and
 * {@link #lipschitzCorrection()} must be called (after each optimizer step) to rescale every weight whose
 * estimated spectral norm exceeds {@code spectral_norm_max}. The estimate runs at least
 * {@code lipschitz_iterations} power steps from persistent start vectors and continues until it settles
 * (FrEIA's fixed 10 steps from random vectors can underestimate σ and leave the bound violated; FrEIA's
 * {@code lipschitz_batchsize} therefore has no counterpart). With {@link Normalisation#SOFT} the block instead
 * applies {@code W / max(1, σ̂/c)} on every call. For convolutions the norm is that of the convolution operator on
 * the block's input size.
 */
public final class IResNetLayer extends InvertibleModule implements Stateful {
    private final ResidualBranch residual;
    private final LogDetMethod logDet;
    private final FixedPointSolver solver;
    private final int lipschitzIterations;
    private final Rng rng;
    private final Consumer<FixedPointResult> inversions;
    private FixedPointResult lastInversion;

    /**
     * A block with FrEIA's defaults, for {@code inn.append(IResNetLayer::new)}.
     *
     * @param dimsIn one input shape: {@code (C,)}, {@code (C, L)} or {@code (C, H, W)}
     * @param dimsC  no conditions
     */
    public IResNetLayer(List<Shape> dimsIn, List<Shape> dimsC) {
        this(builder(), Init.defaultRng(), dimsIn, dimsC);
    }

    /** One generator serves the weights, the power-iteration vectors and the probes. */
    private IResNetLayer(Builder b, Rng rng, List<Shape> dimsIn, List<Shape> dimsC) {
        this(dimsIn, dimsC, branch(b, rng, dimsIn, dimsC), b.logDet != null ? b.logDet
                : LogDetMethod.powerSeries(b.jacobianIterations, b.hutchinsonSamples), b.solver, b.lipschitzIterations,
                rng, r -> { });
    }

    /**
     * A block around a given branch, for the iResNetLab blocks ({@link ResidualBlock}), which keep one branch and
     * apply it at every sample shape they meet.
     *
     * @param dimsIn              one input shape of the branch's rank and channel count
     * @param dimsC               no conditions
     * @param residual            the branch {@code g}, shared with whoever else uses it
     * @param logDet              the log-det method
     * @param solver              the fixed-point solver of the reverse
     * @param lipschitzIterations the least number of power steps in {@link #lipschitzCorrection()}
     * @param rng                 the generator of the probes
     * @param inversions          told what each reverse call's fixed-point iteration reported
     */
    IResNetLayer(List<Shape> dimsIn, List<Shape> dimsC, ResidualBranch residual, LogDetMethod logDet,
            FixedPointSolver solver, int lipschitzIterations, Rng rng, Consumer<FixedPointResult> inversions) {
        super(dimsIn, dimsC);
        checkShapes(dimsIn, dimsC);
        this.residual = registerModule("residual", residual);
        this.logDet = logDet;
        this.solver = solver;
        this.lipschitzIterations = lipschitzIterations;
        this.rng = rng;
        this.inversions = inversions;
    }

    private static Shape checkShapes(List<Shape> dimsIn, List<Shape> dimsC) {
        if (dimsIn.size() != 1) {
            throw new IllegalArgumentException("IResNetLayer: expected exactly one input, got " + dimsIn);
        }
        if (!dimsC.isEmpty()) {
            throw new IllegalArgumentException("IResNetLayer is unconditional, got conditions " + dimsC);
        }
        return dimsIn.get(0);
    }

    /** FrEIA's branch for the input shape: dense for vectors, convolutional (sized for the input) otherwise. */
    private static ResidualBranch branch(Builder b, Rng rng, List<Shape> dimsIn, List<Shape> dimsC) {
        Shape shape = checkShapes(dimsIn, dimsC);
        int channels = shape.channels();
        ResidualBranch.Builder branch;
        switch (shape.rank()) {
            case 1:
                branch = ResidualBranch.dense(channels);
                break;
            case 2:
                branch = ResidualBranch.conv1d(channels).spatialSize(shape.dim(1));
                break;
            case 3:
                branch = ResidualBranch.conv2d(channels).spatialSize(shape.dim(1), shape.dim(2));
                break;
            default:
                throw new IllegalArgumentException("IResNetLayer: inputs (C,), (C, L) or (C, H, W) are supported, got "
                        + shape);
        }
        return branch.hidden(b.internalSize > 0 ? b.internalSize : 2 * channels).internalLayers(b.nInternalLayers)
                .kernelSize(b.kernelSize).activation(b.activation).coefficient(b.spectralNormMax)
                .normalisation(b.normalisation).powerIterations(b.powerIterations)
                .rng(rng).build();
    }

    /**
     * A builder with FrEIA's defaults: {@code internal_size = 2C}, {@code n_internal_layers = 1},
     * {@code jacobian_iterations = 20}, {@code hutchinson_samples = 1}, {@code fixed_point_iterations = 50},
     * {@code lipschitz_iterations = 10}, {@code spectral_norm_max = 0.8}; ELU, kernel 3, explicit normalisation.
     *
     * @return the builder, a {@link ModuleSpec}
     */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public FlowResult forward(List<Tensor> x, List<Tensor> c, boolean reverse, boolean computeLogDet) {
        Tensor in = x.get(0);
        if (!reverse) {
            ResidualMap.Forward f = ResidualMap.forward(residual, logDet, rng, in, isTraining(), computeLogDet);
            return FlowResult.of(f.y(), f.logDet());
        }
        ResidualMap.Inverse inv = ResidualMap.inverse(residual, solver, logDet, rng, in, isTraining(), computeLogDet,
                describe());
        lastInversion = inv.solution();
        inversions.accept(lastInversion);
        return FlowResult.of(inv.x(), inv.logDet());
    }

    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        if (inputDims.size() != 1) {
            throw new IllegalArgumentException(describe() + ": can only use one input, got " + inputDims);
        }
        return inputDims;
    }

    /**
     * The residual branch {@code g} (registered as {@code residual}).
     *
     * @return the branch
     */
    public ResidualBranch residual() {
        return residual;
    }

    /**
     * The log-det method.
     *
     * @return the method
     */
    public LogDetMethod logDetMethod() {
        return logDet;
    }

    /**
     * Why memory-saving backprop cannot re-run this block exactly: a stochastic log-det estimate draws new probes
     * on every call, so the recomputed log-det would not be the one the loss saw.
     *
     * @return the reason in training mode with a stochastic estimator, else null
     */
    @Override
    public String recomputationHazard() {
        if (logDet.isExact(dimsIn().get(0).numel(), isTraining())) {
            return null;
        }
        return "its log-det estimate draws new random probes on every call; use LogDetMethod.exact() to train it "
                + "with memory saving";
    }

    /**
     * Forces {@code ‖W_i‖₂ ≤ spectral_norm_max} for every layer of the branch (FrEIA's
     * {@code lipschitz_correction()}): at least {@code lipschitz_iterations} power steps until the estimate
     * settles, then an in-place rescaling where it exceeds the bound (explicit mode); in soft mode the converged
     * estimate makes the applied weights satisfy it.
     */
    public void lipschitzCorrection() {
        residual.lipschitzCorrection(lipschitzIterations);
    }

    /**
     * An upper bound of {@code Lip(g)} as the block stands: the product of the measured operator norms of the
     * applied weights. Below 1 the block is invertible and the fixed point converges at this rate.
     *
     * @return the achieved Lipschitz bound of the residual branch
     */
    public double lipschitzBound() {
        return residual.lipschitzBound();
    }

    /**
     * What the last reverse call's fixed-point iteration reported.
     *
     * @return the iterations, residual and convergence flag, or null before the first reverse call
     */
    public FixedPointResult lastInversion() {
        return lastInversion;
    }

    /**
     * The options of an {@link IResNetLayer}, with FrEIA's names; every setter returns this builder. The generator
     * ({@link SeededBuilder#rng}) draws the initial weights, the power-iteration vectors and the probes.
     */
    public static final class Builder extends SeededBuilder<Builder> implements ModuleSpec {
        private int internalSize;
        private int nInternalLayers = 1;
        private int jacobianIterations = 20;
        private int hutchinsonSamples = 1;
        private int lipschitzIterations = 10;
        private double spectralNormMax = 0.8;
        private int kernelSize = 3;
        private Supplier<Layer> activation = ELU::new;
        private Normalisation normalisation = Normalisation.EXPLICIT;
        private int powerIterations = 1;
        private LogDetMethod logDet;
        private FixedPointSolver solver = FixedPointSolver.defaults().maxIterations(50);

        private Builder() {
        }

        /**
         * The hidden width I (default {@code 2C}).
         *
         * @param size at least 1
         * @return this builder
         */
        public Builder internalSize(int size) {
            this.internalSize = Require.positive(size, "IResNetLayer: internal_size");
            return this;
        }

        /**
         * The number of {@code I→I} layers (default 1).
         *
         * @param n at least 0
         * @return this builder
         */
        public Builder nInternalLayers(int n) {
            this.nInternalLayers = Require.atLeast(0, n, "IResNetLayer: n_internal_layers");
            return this;
        }

        /**
         * Terms of the log-det power series (default 20); ignored when {@link #logDet(LogDetMethod)} is set.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder jacobianIterations(int n) {
            this.jacobianIterations = Require.atLeast(1, n, "IResNetLayer: jacobian_iterations");
            return this;
        }

        /**
         * Hutchinson probes of the log-det estimate (default 1); ignored when {@link #logDet(LogDetMethod)} is set.
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder hutchinsonSamples(int n) {
            this.hutchinsonSamples = Require.atLeast(1, n, "IResNetLayer: hutchinson_samples");
            return this;
        }

        /**
         * The iteration cap of the inverse (default 50).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder fixedPointIterations(int n) {
            this.solver = solver.maxIterations(n);
            return this;
        }

        /**
         * The least number of power steps in {@link IResNetLayer#lipschitzCorrection()} (default 10).
         *
         * @param n at least 1
         * @return this builder
         */
        public Builder lipschitzIterations(int n) {
            this.lipschitzIterations = Require.atLeast(1, n, "IResNetLayer: lipschitz_iterations");
            return this;
        }

        /**
         * The bound c on each layer's spectral norm (default 0.8).
         *
         * @param max in (0, 1]
         * @return this builder
         */
        public Builder spectralNormMax(double max) {
            this.spectralNormMax = Require.inLeftOpen(0, 1, max, "IResNetLayer: spectral_norm_max");
            return this;
        }

        /**
         * The odd kernel size for 1-D and 2-D inputs (default 3).
         *
         * @param k odd, at least 1
         * @return this builder
         */
        public Builder kernelSize(int k) {
            this.kernelSize = Require.oddPositive(k, "IResNetLayer: the kernel size");
            return this;
        }

        /**
         * The 1-Lipschitz activation (default ELU), e.g. {@code LipSwish::new}.
         *
         * @param factory creates one activation per position
         * @return this builder
         */
        public Builder activation(Supplier<Layer> factory) {
            this.activation = Require.nonNull(factory, "IResNetLayer: the activation factory");
            return this;
        }

        /**
         * How the spectral bound is enforced (default {@link Normalisation#EXPLICIT}, FrEIA's).
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder normalisation(Normalisation mode) {
            this.normalisation = Require.nonNull(mode, "IResNetLayer: the normalisation");
            return this;
        }

        /**
         * Power steps per training-mode forward call in soft mode (default 1).
         *
         * @param steps at least 0
         * @return this builder
         */
        public Builder powerIterations(int steps) {
            this.powerIterations = Require.atLeast(0, steps, "IResNetLayer: powerIterations");
            return this;
        }

        /**
         * The log-det method (default: {@code LogDetMethod.powerSeries(jacobian_iterations, hutchinson_samples)}).
         *
         * @param method the method
         * @return this builder
         */
        public Builder logDet(LogDetMethod method) {
            this.logDet = method;
            return this;
        }

        /**
         * The fixed-point solver of the inverse (tolerances, cap, warning or exception); its cap replaces
         * {@code fixed_point_iterations}.
         *
         * @param fixedPoint the solver
         * @return this builder
         */
        public Builder fixedPoint(FixedPointSolver fixedPoint) {
            this.solver = Require.nonNull(fixedPoint, "IResNetLayer: the fixed-point solver");
            return this;
        }


        @Override
        public IResNetLayer build(List<Shape> dimsIn, List<Shape> dimsC) {
            return new IResNetLayer(this, generatorOrDefault(), dimsIn, dimsC);
        }
    }
}
