package dev.jinn.nn;

import dev.jinn.tensor.Convolutions;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Conv2dSpec;
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
     * the default generator (see {@link #builder(int, int, int...)} for the other options).
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
        super(b);
    }

    /**
     * A builder: {@code builder(in, out, k)} for a square kernel, as PyTorch's {@code kernel_size=k}, or
     * {@code builder(in, out, kH, kW)} for {@code kernel_size=(kH, kW)}.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel height and width: one value for both, or height then width
     * @return the builder (stride 1, padding 0, dilation 1, groups 1, bias on, default generator)
     * @throws IllegalArgumentException for a kernel size of other than 1 or 2 values
     */
    public static Builder builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder(inChannels, outChannels, kernelSize);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolutions.conv2d(x, parameter("weight"), parameter("bias"), stride, padding, dilation, groups);
    }

    /**
     * {@code second(relu(first(x)))} as one fused op ({@link Convolutions#conv2dReluConv2d}), for {@link Sequential}.
     *
     * @param first  the layer before the relu
     * @param second the layer after it
     * @param x      the input of {@code first}
     * @return the output of {@code second}
     */
    static Tensor throughRelu(Conv2d first, Conv2d second, Tensor x) {
        return Convolutions.conv2dReluConv2d(x, first.spec(), second.spec());
    }

    private Conv2dSpec spec() {
        return new Conv2dSpec(parameter("weight"), parameter("bias"), stride, padding, dilation, groups);
    }

    /** The options of a {@link Conv2d}, set as {@link ConvBuilder} describes; every setter returns this builder. */
    public static final class Builder extends ConvBuilder<Conv2d, Builder> {
        private Builder(int inChannels, int outChannels, int... kernelSize) {
            super("Conv2d", 2, Conv2d::new, inChannels, outChannels, kernelSize);
        }
    }
}
