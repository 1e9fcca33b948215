package dev.jinn.nn;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;

/**
 * A 1-D transposed convolution layer, as PyTorch's {@code nn.ConvTranspose1d}: the adjoint of a {@link ConvTranspose1d}
 * with the same options, plus a bias, on inputs {@code [N, in_channels, L]} (or unbatched
 * {@code [in_channels, L]}).
 *
 * <p>Parameters: {@code weight [in_channels, out_channels/groups, k]} and {@code bias [out_channels]}
 * (optional), both initialised from {@code U(−1/√fan_in, 1/√fan_in)} with PyTorch's
 * {@code fan_in = weight.size(1) · k = out_channels/groups · k}. Output length:
 * {@code (L − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1}.
 */
public final class ConvTranspose1d extends ConvNd {
    /**
     * A transposed convolution with stride 1, no padding, dilation 1, one group and a bias, initialised from the default
     * generator (see {@link #builder(int, int, int)} for the other options).
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel length
     */
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize) {
        this(builder(inChannels, outChannels, kernelSize));
    }

    /**
     * As {@link #ConvTranspose1d(int, int, int)}, initialised from {@code rng}.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel length
     * @param rng         the random source of the initial weights
     */
    public ConvTranspose1d(int inChannels, int outChannels, int kernelSize, Rng rng) {
        this(builder(inChannels, outChannels, kernelSize).rng(rng));
    }

    private ConvTranspose1d(Builder b) {
        super(true, b.inChannels, b.outChannels, new int[] {b.kernel}, new int[] {b.stride}, new int[] {b.padding},
                new int[] {b.dilation}, new int[] {b.outputPadding}, b.groups, b.bias, b.rng == null ? Init.defaultRng() : b.rng);
    }

    /**
     * A builder.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel length
     * @return the builder (stride 1, padding 0, output padding 0, dilation 1, groups 1, bias on, default generator)
     */
    public static Builder builder(int inChannels, int outChannels, int kernelSize) {
        return new Builder(inChannels, outChannels, kernelSize);
    }

    /**
     * Extra length added at the end of the output.
     *
     * @return a copy of {@code output_padding}
     */
    public int[] outputPadding() {
        return outputPadding.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return Tensor.convTranspose1d(x, parameter("weight"), parameter("bias"), stride[0], padding[0],
                outputPadding[0], groups, dilation[0]);
    }

    /** Options of a {@link ConvTranspose1d}; every setter returns this builder. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private final int kernel;
        private int stride = 1;
        private int padding;
        private int outputPadding;
        private int dilation = 1;
        private int groups = 1;
        private boolean bias = true;
        private Rng rng;

        private Builder(int inChannels, int outChannels, int kernel) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernel = kernel;
        }

        /**
         * The stride.
         *
         * @param s step between output positions, at least 1
         * @return this builder
         */
        public Builder stride(int s) {
            stride = s;
            return this;
        }

        /**
         * Padding of the matching convolution (removed from both ends of the output).
         *
         * @param p the padding, at least 0
         * @return this builder
         */
        public Builder padding(int p) {
            padding = p;
            return this;
        }

        /**
         * Extra length added at the end of the output.
         *
         * @param p smaller than the stride or the dilation
         * @return this builder
         */
        public Builder outputPadding(int p) {
            outputPadding = p;
            return this;
        }

        /**
         * The dilation.
         *
         * @param d the spacing of kernel taps, at least 1
         * @return this builder
         */
        public Builder dilation(int d) {
            dilation = d;
            return this;
        }

        /**
         * Channel groups.
         *
         * @param g the number of groups; divides both channel counts
         * @return this builder
         */
        public Builder groups(int g) {
            groups = g;
            return this;
        }

        /**
         * Whether the layer has a bias.
         *
         * @param enabled true (default) for a bias
         * @return this builder
         */
        public Builder bias(boolean enabled) {
            bias = enabled;
            return this;
        }

        /**
         * The random source of the initial weights (default: a split of the shared default generator).
         *
         * @param r the generator
         * @return this builder
         */
        public Builder rng(Rng r) {
            if (r == null) {
                throw new IllegalArgumentException("ConvTranspose1d: rng is null");
            }
            rng = r;
            return this;
        }

        /**
         * Builds the layer.
         *
         * @return the initialised layer
         * @throws IllegalArgumentException for inconsistent options (naming them)
         */
        public ConvTranspose1d build() {
            return new ConvTranspose1d(this);
        }
    }
}
