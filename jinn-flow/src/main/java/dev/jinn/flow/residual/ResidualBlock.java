package dev.jinn.flow.residual;

import dev.jinn.check.Require;
import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.nn.Layer;
import dev.jinn.nn.SeededBuilder;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;

/**
 * iResNetLab's i-ResNet blocks {@code FCN(dim_in, dim_out)}, {@code Conv1d(channel, kernel_size)} and
 * {@code Conv2d(channel, kernel_size)}: {@code F(x) = x + g(x)} with a spectrally normalised residual branch
 * ({@link ResidualBranch}: three layers of hidden width {@code max(16, 4·size)}, ELU, soft normalisation with
 * {@code c = 0.9} and one power step per training-mode forward call), so {@code Lip(g) ≤ 0.73}.
 *
 * <p>An adapter over {@link IResNetLayer}: the block keeps the branch and its options, and for each sample shape
 * it meets builds an {@code IResNetLayer} around that one branch (so a convolutional block takes inputs of any
 * spatial size, and its parameters are the same at every size). {@code forward(x, logP0, logDet0)} returns
 * {@code y = F(x)} and {@code logDet = logDet0 + log det J_F(x)} (by default the power series with 10 terms and
 * one Rademacher probe in training mode, exact in eval mode for up to 16 values per sample; see
 * {@link LogDetMethod}). For an {@code fcn} with {@code dimOut < dimIn} the output keeps the first {@code dimOut}
 * features of {@code F(x)} and the abandoned ones {@code z} add their standard-normal log-density
 * ({@code StandardNormal.logProb}) to {@code logP}; otherwise {@code logP = logP0}. {@code inverse(y)} runs the
 * fixed-point iteration (a warning, or a {@code FlowException} caused by a {@link FixedPointException} if so
 * configured, when it does not converge; {@link #lastInversion()}), drawing the abandoned features from the
 * standard normal with the block's generator unless they are given ({@link #inverse(Tensor, Tensor)}).
 *
 * <p>The branch is registered as {@code residual}. The power-iteration vectors of a convolutional block
 * (persistent buffers) are made for the first size seen, or for the size given to
 * {@link Builder#spatialSize(int...)}, and remade when it changes. As a {@code ModuleSpec} the block builds its
 * {@code IResNetLayer} for {@code SequenceINN.append}, if it abandons no features.
 */
public final class ResidualBlock extends IResNetModule {
    private final ResidualBranch residual;
    private final int dimIn;
    private final int dimOut;
    private final String kind;
    private final LogDetMethod logDet;
    private final FixedPointSolver solver;
    private final Rng rng;
    private final List<Link> links;
    private FixedPointResult lastInversion;

    private ResidualBlock(Builder b) {
        this.dimIn = b.dimIn;
        this.dimOut = b.dimOut;
        this.kind = b.kind;
        this.rng = b.generatorOrDefault();
        b.branch.hidden(b.hidden > 0 ? b.hidden : Math.max(16, 4 * dimIn)).rng(rng);
        this.residual = registerModule("residual", b.branch.build());
        this.logDet = b.logDet;
        this.solver = b.solver;
        this.links = List.of(new Link(this::layer, residual.sampleRank(), this::inputFor, dimIn - dimOut, rng));
    }

    /**
     * A fully connected block on {@code [B, dimIn]} vectors, keeping {@code dimOut ≤ dimIn} features.
     *
     * @param dimIn  the input size
     * @param dimOut the output size, at most {@code dimIn}
     * @return a builder
     */
    public static Builder fcn(int dimIn, int dimOut) {
        if (dimOut < 1 || dimOut > dimIn) {
            throw new IllegalArgumentException("IResNet.fcn: need 1 <= dimOut <= dimIn, got dimIn=" + dimIn + ", dimOut="
                    + dimOut);
        }
        return new Builder("fcn(" + dimIn + ", " + dimOut + ")", ResidualBranch.dense(dimIn), dimIn, dimOut);
    }

    /**
     * A 1-D convolutional block on {@code [B, channels, L]}.
     *
     * @param channels   the channel count
     * @param kernelSize the odd kernel size
     * @return a builder
     */
    public static Builder conv1d(int channels, int kernelSize) {
        return new Builder("conv1d(" + channels + ", " + kernelSize + ")",
                ResidualBranch.conv1d(channels).kernelSize(kernelSize), channels, channels);
    }

    /**
     * A 2-D convolutional block on {@code [B, channels, H, W]}.
     *
     * @param channels   the channel count
     * @param kernelSize the odd kernel size
     * @return a builder
     */
    public static Builder conv2d(int channels, int kernelSize) {
        return new Builder("conv2d(" + channels + ", " + kernelSize + ")",
                ResidualBranch.conv2d(channels).kernelSize(kernelSize), channels, channels);
    }

    @Override
    public String describe() {
        return "ResidualBlock " + kind;
    }

    @Override
    List<Link> links() {
        return links;
    }

    /**
     * The block's framework module for samples of the given shape, sharing the block's branch.
     *
     * @param dimsIn one input shape: {@code (dimIn,)}, {@code (C, L)} or {@code (C, H, W)}
     * @param dimsC  no conditions
     * @return the layer
     * @throws IllegalArgumentException if the block abandons features (a {@code SequenceINN} keeps every feature)
     */
    @Override
    public IResNetLayer build(List<Shape> dimsIn, List<Shape> dimsC) {
        if (dimOut < dimIn) {
            throw new IllegalArgumentException(describe() + " abandons " + (dimIn - dimOut) + " features, which only "
                    + "an iResNetLab chain can do; use fcn(" + dimIn + ", " + dimIn + ") or IResNetLayer");
        }
        return layer(dimsIn, dimsC);
    }

    private IResNetLayer layer(List<Shape> dimsIn, List<Shape> dimsC) {
        Shape in = SingleInput.of(describe(), dimsIn);
        if (in.rank() != residual.sampleRank() || in.channels() != dimIn) {
            throw new IllegalArgumentException(describe() + ": expected samples of shape " + batchShape(dimIn)
                    + ", got samples of shape " + in);
        }
        IResNetLayer layer = new IResNetLayer(dimsIn, dimsC, residual, logDet, solver, 1, rng, r -> lastInversion = r);
        layer.train(isTraining());
        return layer;
    }

    /** The input shape for an output shape: the abandoned features join the output again before the layer. */
    private Shape inputFor(Shape out) {
        if (out.rank() != residual.sampleRank() || out.channels() != dimOut) {
            throw new IllegalArgumentException(describe() + ": expected an output of shape " + batchShape(dimOut)
                    + ", got samples of shape " + out);
        }
        return out.withChannels(dimIn);
    }

    /** How samples with {@code channels} channels look, for messages: {@code [B, 4]}, {@code [B, 2, H, W]}. */
    private String batchShape(int channels) {
        int rank = residual.sampleRank();
        return "[B, " + channels + (rank == 2 ? ", L]" : rank == 3 ? ", H, W]" : "]");
    }

    /**
     * Inverts the block with given abandoned features.
     *
     * @param y         an output, {@code [B, dimOut]}
     * @param abandoned the abandoned features {@code [B, dimIn − dimOut]} (null when there are none)
     * @return the input {@code [B, dimIn]}
     */
    public Tensor inverse(Tensor y, Tensor abandoned) {
        if (dimOut < dimIn) {
            if (abandoned == null || abandoned.dim() != 2 || abandoned.size(0) != y.size(0)
                    || abandoned.size(1) != dimIn - dimOut) {
                throw new IllegalArgumentException(describe() + ": expected abandoned features of shape ["
                        + y.size(0) + ", " + (dimIn - dimOut) + "], got "
                        + (abandoned == null ? "null" : Arrays.toString(abandoned.shape())));
            }
        } else if (abandoned != null) {
            throw new IllegalArgumentException(describe() + ": the block abandons no features, but some were given");
        }
        return IResNetChain.inverse(describe(), links, y, abandoned);
    }

    /**
     * The residual branch {@code g}.
     *
     * @return the branch
     */
    public ResidualBranch residual() {
        return residual;
    }

    /**
     * What the last inverse's fixed-point iteration reported.
     *
     * @return iterations, residual and convergence, or null before the first inverse
     */
    public FixedPointResult lastInversion() {
        return lastInversion;
    }

    /** Runs every layer's power iteration to convergence (and rescales in explicit mode). */
    public void lipschitzCorrection() {
        residual.lipschitzCorrection(1);
    }

    /**
     * The achieved Lipschitz bound of the branch, {@code Π ‖W'ᵢ‖₂}.
     *
     * @return the bound (below 1 for an invertible block)
     */
    public double lipschitzBound() {
        return residual.lipschitzBound();
    }

    /**
     * The options of a {@link ResidualBlock}; every setter returns this builder. The generator
     * ({@link SeededBuilder#rng}) draws weights, start vectors, probes and sampled abandoned features.
     */
    public static final class Builder extends SeededBuilder<Builder> {
        private final String kind;
        private final ResidualBranch.Builder branch;
        private final int dimIn;
        private final int dimOut;
        private int hidden;
        private LogDetMethod logDet = LogDetMethod.powerSeries(10, 1);
        private FixedPointSolver solver = FixedPointSolver.defaults();

        private Builder(String kind, ResidualBranch.Builder branch, int dimIn, int dimOut) {
            this.kind = kind;
            this.branch = branch;
            this.dimIn = dimIn;
            this.dimOut = dimOut;
        }

        /**
         * The hidden width (default {@code max(16, 4·size)}).
         *
         * @param width at least 1
         * @return this builder
         */
        public Builder hidden(int width) {
            branch.hidden(width);
            this.hidden = width;
            return this;
        }

        /**
         * The number of hidden-to-hidden layers (default 1).
         *
         * @param n at least 0
         * @return this builder
         */
        public Builder internalLayers(int n) {
            branch.internalLayers(n);
            return this;
        }

        /**
         * The 1-Lipschitz activation (default ELU).
         *
         * @param factory creates one activation per position
         * @return this builder
         */
        public Builder activation(Supplier<Layer> factory) {
            branch.activation(factory);
            return this;
        }

        /**
         * The bound c on each layer's operator norm (default 0.9).
         *
         * @param c in (0, 1) for an invertible block
         * @return this builder
         */
        public Builder coefficient(double c) {
            branch.coefficient(c);
            return this;
        }

        /**
         * How the bound is enforced (default {@link Normalisation#SOFT}).
         *
         * @param mode the mode
         * @return this builder
         */
        public Builder normalisation(Normalisation mode) {
            branch.normalisation(mode);
            return this;
        }

        /**
         * Power steps per training-mode forward call (default 1).
         *
         * @param steps at least 0
         * @return this builder
         */
        public Builder powerIterations(int steps) {
            branch.powerIterations(steps);
            return this;
        }

        /**
         * The spatial size of a convolutional block's inputs, so that the power-iteration vectors exist from the
         * start (default: made at the first call). A state dict with the vectors loads only into a block that has
         * them: build it with the same size, or call it once first.
         *
         * @param sizes {@code L} for conv1d, {@code H, W} for conv2d
         * @return this builder
         */
        public Builder spatialSize(int... sizes) {
            branch.spatialSize(sizes);
            return this;
        }

        /**
         * The log-det method (default {@code LogDetMethod.powerSeries(10, 1)}).
         *
         * @param method the method
         * @return this builder
         */
        public Builder logDet(LogDetMethod method) {
            this.logDet = Require.nonNull(method, "IResNet." + kind + ": the log-det method");
            return this;
        }

        /**
         * The fixed-point solver of the inverse (default {@link FixedPointSolver#defaults()}).
         *
         * @param fixedPoint the solver
         * @return this builder
         */
        public Builder fixedPoint(FixedPointSolver fixedPoint) {
            this.solver = Require.nonNull(fixedPoint, "IResNet." + kind + ": the fixed-point solver");
            return this;
        }


        /**
         * Builds the block (in float32; convert with {@code to(dtype)}).
         *
         * @return the block
         */
        public ResidualBlock build() {
            return new ResidualBlock(this);
        }
    }
}
