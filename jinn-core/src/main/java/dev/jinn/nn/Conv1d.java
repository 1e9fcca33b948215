package dev.jinn.nn;

import dev.jinn.tensor.Convolutions;
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
        super(b);
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
        return Convolutions.conv1d(x, parameter("weight"), parameter("bias"), stride[0], padding[0], dilation[0], groups);
    }

    /** The options of a {@link Conv1d}, set as {@link ConvBuilder} describes; every setter returns this builder. */
    public static final class Builder extends ConvBuilder<Conv1d, Builder> {
        private Builder(int inChannels, int outChannels, int... kernelSize) {
            super("Conv1d", 1, Conv1d::new, inChannels, outChannels, kernelSize);
        }
    }
}
