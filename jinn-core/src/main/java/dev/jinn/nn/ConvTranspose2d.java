package dev.jinn.nn;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;

/**
 * A 2-D transposed convolution layer, as PyTorch's {@code nn.ConvTranspose2d}: the adjoint of a
 * {@link Conv2d} with the same options (the gradient of a convolution with respect to its input), plus a bias.
 * Inputs are {@code [N, in_channels, H, W]} (or unbatched {@code [in_channels, H, W]}); padding removes rows and
 * columns from the border of the result.
 *
 * <p>Parameters: {@code weight [in_channels, out_channels/groups, kH, kW]} and {@code bias [out_channels]}
 * (optional), both initialised from {@code U(−1/√fan_in, 1/√fan_in)} with PyTorch's
 * {@code fan_in = weight.size(1) · kH · kW = out_channels/groups · kH · kW}. Output size per dim:
 * {@code (in − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1}.
 *
 * <pre>{@code
 * var up = ConvTranspose2d.builder(16, 3, 4).stride(2).padding(1).rng(new Rng(7)).build();
 * Tensor y = up.forward(x);      // [N, 3, 2H, 2W]
 * }</pre>
 */
public final class ConvTranspose2d extends ConvNd {
    /**
     * A square-kernel transposed convolution with stride 1, no padding, dilation 1, one group and a bias,
     * initialised from the default generator (see {@link #builder(int, int, int)} for the other options).
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel height and width
     */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize) {
        this(builder(inChannels, outChannels, kernelSize));
    }

    /**
     * As {@link #ConvTranspose2d(int, int, int)}, initialised from {@code rng}.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel height and width
     * @param rng         the random source of the initial weights
     */
    public ConvTranspose2d(int inChannels, int outChannels, int kernelSize, Rng rng) {
        this(builder(inChannels, outChannels, kernelSize).rng(rng));
    }

    private ConvTranspose2d(Builder b) {
        super(true, b.inChannels, b.outChannels, b.kernel, b.stride, b.padding, b.dilation, b.outputPadding,
                b.groups, b.bias, b.rng == null ? Init.defaultRng() : b.rng);
    }

    /**
     * A builder for a square kernel.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel height and width
     * @return the builder (stride 1, padding 0, output padding 0, dilation 1, groups 1, bias on, default
     *         generator)
     */
    public static Builder builder(int inChannels, int outChannels, int kernelSize) {
        return new Builder(inChannels, outChannels, kernelSize, kernelSize);
    }

    /**
     * A builder for a {@code kernelH × kernelW} kernel.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelH     kernel height
     * @param kernelW     kernel width
     * @return the builder (stride 1, padding 0, output padding 0, dilation 1, groups 1, bias on, default
     *         generator)
     */
    public static Builder builder(int inChannels, int outChannels, int kernelH, int kernelW) {
        return new Builder(inChannels, outChannels, kernelH, kernelW);
    }

    /**
     * Extra rows and columns added at the bottom and right of the output.
     *
     * @return a copy of {@code output_padding}
     */
    public int[] outputPadding() {
        return outputPadding.clone();
    }

    @Override
    public Tensor forward(Tensor x) {
        return Tensor.convTranspose2d(x, parameter("weight"), parameter("bias"), stride, padding, outputPadding,
                groups, dilation);
    }

    /** Options of a {@link ConvTranspose2d}; every setter returns this builder. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private final int[] kernel;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
        private int[] outputPadding = {0, 0};
        private int[] dilation = {1, 1};
        private int groups = 1;
        private boolean bias = true;
        private Rng rng;

        private Builder(int inChannels, int outChannels, int kernelH, int kernelW) {
            this.inChannels = inChannels;
            this.outChannels = outChannels;
            this.kernel = new int[] {kernelH, kernelW};
        }

        /**
         * The same stride in both dims.
         *
         * @param s the stride, at least 1
         * @return this builder
         */
        public Builder stride(int s) {
            return stride(s, s);
        }

        /**
         * Vertical and horizontal strides.
         *
         * @param sh vertical stride
         * @param sw horizontal stride
         * @return this builder
         */
        public Builder stride(int sh, int sw) {
            stride = new int[] {sh, sw};
            return this;
        }

        /**
         * The same padding on every side (removed from the output's border).
         *
         * @param p the padding, at least 0
         * @return this builder
         */
        public Builder padding(int p) {
            return padding(p, p);
        }

        /**
         * Vertical and horizontal padding.
         *
         * @param ph vertical padding
         * @param pw horizontal padding
         * @return this builder
         */
        public Builder padding(int ph, int pw) {
            padding = new int[] {ph, pw};
            return this;
        }

        /**
         * The same output padding in both dims.
         *
         * @param p extra size at the end, smaller than the stride or the dilation
         * @return this builder
         */
        public Builder outputPadding(int p) {
            return outputPadding(p, p);
        }

        /**
         * Extra rows at the bottom and columns at the right of the output.
         *
         * @param ph extra rows
         * @param pw extra columns
         * @return this builder
         */
        public Builder outputPadding(int ph, int pw) {
            outputPadding = new int[] {ph, pw};
            return this;
        }

        /**
         * The same dilation in both dims.
         *
         * @param d the spacing of kernel taps, at least 1
         * @return this builder
         */
        public Builder dilation(int d) {
            return dilation(d, d);
        }

        /**
         * Vertical and horizontal dilation.
         *
         * @param dh vertical spacing of kernel taps
         * @param dw horizontal spacing of kernel taps
         * @return this builder
         */
        public Builder dilation(int dh, int dw) {
            dilation = new int[] {dh, dw};
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
                throw new IllegalArgumentException("ConvTranspose2d: rng is null");
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
        public ConvTranspose2d build() {
            return new ConvTranspose2d(this);
        }
    }
}
