package dev.jinn.flow.residual;

import dev.jinn.check.Require;
import dev.jinn.nn.ELU;
import dev.jinn.nn.Layer;
import dev.jinn.nn.SeededBuilder;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * The residual branch {@code g} of an invertible residual block {@code y = x + g(x)}: spectrally normalised
 * layers with 1-Lipschitz activations between them,
 * {@code SN(size→h) → act → [SN(h→h) → act] × n → SN(h→size)}, dense for vectors {@code [C]} and convolutional
 * (odd kernel, "same" padding) for 1-D signals {@code [C, L]} and images {@code [C, H, W]}.
 *
 * <p>{@code Lip(g) ≤ Π ‖W'ᵢ‖₂ ≤ c^{n+2}} when every activation is 1-Lipschitz (ELU with α ≤ 1, ReLU, LeakyReLU
 * with slope ≤ 1, {@link LipSwish}); the builder cannot check a custom activation, so that is the caller's
 * promise. The children are named {@code 0, 1, 2, ...} like a PyTorch {@code nn.Sequential} (layers at even
 * positions, activations at odd ones), so the keys are FrEIA's {@code residual.0.weight}, {@code residual.2.bias},
 * ... when the branch is registered as {@code residual}.
 */
public final class ResidualBranch extends Layer {
    private final List<Layer> layers = new ArrayList<>();
    private final List<SpectralNorm> spectral = new ArrayList<>();
    private final int sampleRank;

    private ResidualBranch(Builder b) {
        this.sampleRank = b.spatialRank + 1;
        Rng rng = b.generatorOrDefault();
        int[] widths = new int[b.internalLayers + 3];
        Arrays.fill(widths, b.hidden);
        widths[0] = b.channels;
        widths[widths.length - 1] = b.channels;
        for (int i = 0; i + 1 < widths.length; i++) {
            if (i > 0) {
                add(b.activation.get());
            }
            SpectralNorm.Builder layer = b.spatialRank == 0 ? SpectralNorm.linear(widths[i], widths[i + 1])
                    : b.spatialRank == 1 ? SpectralNorm.conv1d(widths[i], widths[i + 1], b.kernel)
                    : SpectralNorm.conv2d(widths[i], widths[i + 1], b.kernel);
            layer.coefficient(b.coefficient).normalisation(b.mode).powerIterations(b.powerIterations).rng(rng);
            if (b.spatialSize != null) {
                layer.spatialSize(b.spatialSize);
            }
            SpectralNorm sn = layer.build();
            spectral.add(sn);
            add(sn);
        }
    }

    private void add(Layer layer) {
        if (layer == null) {
            throw new IllegalArgumentException("ResidualBranch: the activation supplier returned null");
        }
        registerModule(Integer.toString(layers.size()), layer);
        layers.add(layer);
    }

    /**
     * A dense branch for vectors {@code [N, features]}.
     *
     * @param features the size of the vectors
     * @return a builder
     */
    public static Builder dense(int features) {
        return new Builder(0, features);
    }

    /**
     * A 1-D convolutional branch for signals {@code [N, channels, L]}.
     *
     * @param channels the channel count
     * @return a builder
     */
    public static Builder conv1d(int channels) {
        return new Builder(1, channels);
    }

    /**
     * A 2-D convolutional branch for images {@code [N, channels, H, W]}.
     *
     * @param channels the channel count
     * @return a builder
     */
    public static Builder conv2d(int channels) {
        return new Builder(2, channels);
    }

    /**
     * The rank of one sample: 1 for vectors, 2 for 1-D signals, 3 for images.
     *
     * @return the sample rank
     */
    public int sampleRank() {
        return sampleRank;
    }

    /**
     * The spectrally normalised layers, first to last.
     *
     * @return the layers
     */
    public List<SpectralNorm> spectralLayers() {
        return List.copyOf(spectral);
    }

    /**
     * Fixes the weights for one block call (see {@link SpectralNorm#bind}) and returns {@code g} with them.
     *
     * @param sample  the shape of one input sample
     * @param advance advance the power iterations (soft mode, training-mode forward calls)
     * @return {@code x ↦ g(x)} for batches of such samples
     */
    public UnaryOperator<Tensor> bind(int[] sample, boolean advance) {
        List<UnaryOperator<Tensor>> steps = new ArrayList<>(layers.size());
        int[] shape = sample;
        for (Layer layer : layers) {
            if (layer instanceof SpectralNorm sn) {
                steps.add(sn.bind(shape, advance));
                shape = shape.clone();
                shape[0] = sn.weight().size(0);
            } else {
                steps.add(layer::forward);
            }
        }
        return x -> {
            Tensor h = x;
            for (UnaryOperator<Tensor> s : steps) {
                h = s.apply(h);
            }
            return h;
        };
    }

    /**
     * Applies {@code g} with the current weights, without advancing any power iteration.
     *
     * @param x a batch, batch axis first
     * @return {@code g(x)}, shaped like {@code x}
     */
    @Override
    public Tensor forward(Tensor x) {
        return bind(sampleOf(x), false).apply(x);
    }

    /**
     * Forces every layer's bound (see {@link SpectralNorm#lipschitzCorrection(int)}).
     *
     * @param minSteps the least number of power steps per layer
     */
    public void lipschitzCorrection(int minSteps) {
        for (SpectralNorm sn : spectral) {
            sn.lipschitzCorrection(minSteps);
        }
    }

    /**
     * An upper bound of {@code Lip(g)} as it stands: the product of the measured operator norms of the applied
     * weights ({@link SpectralNorm#operatorNorm()}), the activations being 1-Lipschitz.
     *
     * @return {@code Π ‖W'ᵢ‖₂}
     */
    public double lipschitzBound() {
        double bound = 1;
        for (SpectralNorm sn : spectral) {
            bound *= sn.operatorNorm();
        }
        return bound;
    }

    /**
     * The sample shape of a batch, checked against the branch's rank.
     *
     * @param x a batch
     * @return its shape without the batch axis
     */
    int[] sampleOf(Tensor x) {
        int[] s = x.shape();
        if (s.length != sampleRank + 1) {
            throw new IllegalArgumentException("ResidualBranch: expected a batch of rank " + (sampleRank + 1)
                    + " (batch axis first), got shape " + Arrays.toString(s));
        }
        return Arrays.copyOfRange(s, 1, s.length);
    }

    /**
     * Options of a {@link ResidualBranch}; every setter returns this builder. The generator
     * ({@link SeededBuilder#rng}) draws the initial weights and start vectors.
     */
    public static final class Builder extends SeededBuilder<Builder> {
        private final int spatialRank;
        private final int channels;
        private int hidden;
        private int internalLayers = 1;
        private int kernel = 3;
        private int[] spatialSize;
        private Supplier<Layer> activation = ELU::new;
        private double coefficient = 0.9;
        private Normalisation mode = Normalisation.SOFT;
        private int powerIterations = 1;

        private Builder(int spatialRank, int channels) {
            this.spatialRank = spatialRank;
            this.channels = Require.positive(channels, "ResidualBranch: the size");
            this.hidden = 2 * channels;
        }

        /**
         * The hidden width (features or channels) of the inner layers (default {@code 2·size}, FrEIA's).
         *
         * @param width at least 1
         * @return this builder
         */
        public Builder hidden(int width) {
            this.hidden = Require.positive(width, "ResidualBranch: the hidden width");
            return this;
        }

        /**
         * The number of hidden-to-hidden layers (default 1, FrEIA's {@code n_internal_layers}).
         *
         * @param n at least 0
         * @return this builder
         */
        public Builder internalLayers(int n) {
            this.internalLayers = Require.atLeast(0, n, "ResidualBranch: internalLayers");
            return this;
        }

        /**
         * The odd kernel size of a convolutional branch (default 3).
         *
         * @param k odd, at least 1
         * @return this builder
         */
        public Builder kernelSize(int k) {
            this.kernel = Require.oddPositive(k, "ResidualBranch: the kernel size");
            return this;
        }

        /**
         * The spatial size of a convolutional branch's inputs, so that the power-iteration vectors exist from
         * the start (default: taken from the first input).
         *
         * @param sizes {@code L}, or {@code H, W}
         * @return this builder
         */
        public Builder spatialSize(int... sizes) {
            if (spatialRank == 0) {
                throw new IllegalArgumentException("ResidualBranch: a dense branch has no spatial size");
            }
            if (sizes == null || sizes.length != spatialRank) {
                throw new IllegalArgumentException("ResidualBranch: expected " + spatialRank + " spatial sizes, got "
                        + Arrays.toString(sizes));
            }
            this.spatialSize = sizes.clone();
            return this;
        }

        /**
         * The activation between layers, created once per position (default ELU); it must be 1-Lipschitz.
         *
         * @param factory creates one activation layer
         * @return this builder
         */
        public Builder activation(Supplier<Layer> factory) {
            this.activation = Require.nonNull(factory, "ResidualBranch: the activation factory");
            return this;
        }

        /**
         * The bound {@code c} on each layer's operator norm (default 0.9).
         *
         * @param c positive, below 1 for a contraction
         * @return this builder
         */
        public Builder coefficient(double c) {
            this.coefficient = Require.positive(c, "ResidualBranch: the coefficient");
            return this;
        }

        /**
         * How the bound is enforced (default {@link Normalisation#SOFT}).
         *
         * @param normalisation the mode
         * @return this builder
         */
        public Builder normalisation(Normalisation normalisation) {
            this.mode = Require.nonNull(normalisation, "ResidualBranch: the normalisation");
            return this;
        }

        /**
         * Power steps per training-mode call in soft mode (default 1).
         *
         * @param steps at least 0
         * @return this builder
         */
        public Builder powerIterations(int steps) {
            this.powerIterations = Require.atLeast(0, steps, "ResidualBranch: powerIterations");
            return this;
        }


        /**
         * Builds the branch (in float32).
         *
         * @return the branch
         */
        public ResidualBranch build() {
            return new ResidualBranch(this);
        }
    }
}
