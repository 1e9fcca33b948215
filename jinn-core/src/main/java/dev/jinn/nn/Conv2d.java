package dev.jinn.nn;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;

/**
 * A 2-D convolution layer, as PyTorch's {@code nn.Conv2d}: {@code y = conv2d(x, weight) + bias} on inputs
 * {@code [N, in_channels, H, W]} (or unbatched {@code [in_channels, H, W]}), with zero padding.
 *
 * <p>Parameters: {@code weight [out_channels, in_channels/groups, kH, kW]} and {@code bias [out_channels]}
 * (optional), both initialised from {@code U(−1/√fan_in, 1/√fan_in)} with
 * {@code fan_in = in_channels/groups · kH · kW}, as in PyTorch. Output size per dim:
 * {@code ⌊(in + 2·padding − dilation·(k − 1) − 1) / stride⌋ + 1}.
 *
 * <pre>{@code
 * var conv = Conv2d.builder(3, 16, 3).padding(1).rng(new Rng(7)).build();
 * Tensor y = conv.forward(x);     // [N, 16, H, W]
 * }</pre>
 */
public final class Conv2d extends ConvNd {
    /**
     * A square-kernel convolution with stride 1, no padding, dilation 1, one group and a bias, initialised from
     * the default generator (see {@link #builder(int, int, int)} for the other options).
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel height and width
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize) {
        this(builder(inChannels, outChannels, kernelSize));
    }

    /**
     * As {@link #Conv2d(int, int, int)}, initialised from {@code rng}.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel height and width
     * @param rng         the random source of the initial weights
     */
    public Conv2d(int inChannels, int outChannels, int kernelSize, Rng rng) {
        this(builder(inChannels, outChannels, kernelSize).rng(rng));
    }

    private Conv2d(Builder b) {
        super(false, b.inChannels, b.outChannels, b.kernel, b.stride, b.padding, b.dilation, new int[2], b.groups,
                b.bias, b.rng == null ? Init.defaultRng() : b.rng);
    }

    /**
     * A builder for a square kernel.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel height and width
     * @return the builder (stride 1, padding 0, dilation 1, groups 1, bias on, default generator)
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
     * @return the builder (stride 1, padding 0, dilation 1, groups 1, bias on, default generator)
     */
    public static Builder builder(int inChannels, int outChannels, int kernelH, int kernelW) {
        return new Builder(inChannels, outChannels, kernelH, kernelW);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Tensor.conv2d(x, parameter("weight"), parameter("bias"), stride, padding, dilation, groups);
    }

    /** Options of a {@link Conv2d}; every setter returns this builder. */
    public static final class Builder {
        private final int inChannels;
        private final int outChannels;
        private final int[] kernel;
        private int[] stride = {1, 1};
        private int[] padding = {0, 0};
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
         * The same zero padding on every side.
         *
         * @param p the padding, at least 0
         * @return this builder
         */
        public Builder padding(int p) {
            return padding(p, p);
        }

        /**
         * Zero rows added above and below, zero columns added left and right.
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
         * Channel groups ({@code groups == in_channels} is a depthwise convolution).
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
                throw new IllegalArgumentException("Conv2d: rng is null");
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
        public Conv2d build() {
            return new Conv2d(this);
        }
    }
}
