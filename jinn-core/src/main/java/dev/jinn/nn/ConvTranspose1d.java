package dev.jinn.nn;

import dev.jinn.tensor.Convolutions;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;

/**
 * A 1-D transposed convolution layer, as PyTorch's {@code nn.ConvTranspose1d}: the adjoint of a {@link Conv1d}
 * with the same options, plus a bias, on inputs {@code [N, in_channels, L]} (or unbatched
 * {@code [in_channels, L]}).
 *
 * <p>Parameters: {@code weight [in_channels, out_channels/groups, k]} and {@code bias [out_channels]}
 * (optional), both initialised from {@code U(−1/√fan_in, 1/√fan_in)} with PyTorch's
 * {@code fan_in = weight.size(1) · k = out_channels/groups · k}. Output length:
 * {@code (L − 1)·stride − 2·padding + dilation·(k − 1) + output_padding + 1}.
 */
public final class ConvTranspose1d extends ConvTransposeNd {
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
        super(b);
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

    @Override
    public Tensor forward(Tensor x) {
        return Convolutions.convTranspose1d(x, parameter("weight"), parameter("bias"), stride[0], padding[0],
                outputPadding[0], groups, dilation[0]);
    }

    /**
     * The options of a {@link ConvTranspose1d}, set as {@link ConvBuilder.Transposed} describes; every setter returns
     * this builder.
     */
    public static final class Builder extends ConvBuilder.Transposed<ConvTranspose1d, Builder> {
        private Builder(int inChannels, int outChannels, int... kernelSize) {
            super("ConvTranspose1d", 1, ConvTranspose1d::new, inChannels, outChannels, kernelSize);
        }
    }
}
