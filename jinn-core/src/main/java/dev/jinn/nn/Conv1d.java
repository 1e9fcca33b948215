package dev.jinn.nn;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;

/**
 * A 1-D convolution layer, as PyTorch's {@code nn.Conv1d}: {@code y = conv1d(x, weight) + bias} on inputs
 * {@code [N, in_channels, L]} (or unbatched {@code [in_channels, L]}), with zero padding.
 *
 * <p>Parameters: {@code weight [out_channels, in_channels/groups, k]} and {@code bias [out_channels]}
 * (optional), both initialised from {@code U(−1/√fan_in, 1/√fan_in)} with
 * {@code fan_in = in_channels/groups · k}, as in PyTorch. Output length:
 * {@code ⌊(L + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1}.
 */
public final class Conv1d extends ConvNd {
    /**
     * A convolution with stride 1, no padding, dilation 1, one group and a bias, initialised from the default
     * generator (see {@link #builder(int, int, int)} for the other options).
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel length
     */
    public Conv1d(int inChannels, int outChannels, int kernelSize) {
        this(builder(inChannels, outChannels, kernelSize));
    }

    /**
     * As {@link #Conv1d(int, int, int)}, initialised from {@code rng}.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel length
     * @param rng         the random source of the initial weights
     */
    public Conv1d(int inChannels, int outChannels, int kernelSize, Rng rng) {
        this(builder(inChannels, outChannels, kernelSize).rng(rng));
    }

    private Conv1d(Builder b) {
        super(false, b.inChannels, b.outChannels, new int[] {b.kernel}, new int[] {b.stride}, new int[] {b.padding},
                new int[] {b.dilation}, new int[1], b.groups, b.bias, b.rng == null ? Init.defaultRng() : b.rng);
    }

    /**
     * A builder.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel length
     * @return the builder (stride 1, padding 0, dilation 1, groups 1, bias on, default generator)
     */
    public static Builder builder(int inChannels, int outChannels, int kernelSize) {
        return new Builder(inChannels, outChannels, kernelSize);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Tensor.conv1d(x, parameter("weight"), parameter("bias"), stride[0], padding[0], dilation[0], groups);
    }

    /** Options of a {@link Conv1d}; every setter returns this builder. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private final int kernel;
        private int stride = 1;
        private int padding;
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
         * Zero padding at both ends.
         *
         * @param p the padding, at least 0
         * @return this builder
         */
        public Builder padding(int p) {
            padding = p;
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
                throw new IllegalArgumentException("Conv1d: rng is null");
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
        public Conv1d build() {
            return new Conv1d(this);
        }
    }
}
