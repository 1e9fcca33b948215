package dev.jinn.nn;

import dev.jinn.tensor.Convolutions;
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
public final class ConvTranspose2d extends ConvTransposeNd {
    /**
     * A square-kernel transposed convolution with stride 1, no padding, dilation 1, one group and a bias,
     * initialised from the default generator (see {@link #builder(int, int, int...)} for the other options).
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
        super(b);
    }

    /**
     * A builder: {@code builder(in, out, k)} for a square kernel, as PyTorch's {@code kernel_size=k}, or
     * {@code builder(in, out, kH, kW)} for {@code kernel_size=(kH, kW)}.
     *
     * @param inChannels  input channels
     * @param outChannels output channels
     * @param kernelSize  kernel height and width: one value for both, or height then width
     * @return the builder (stride 1, padding 0, output padding 0, dilation 1, groups 1, bias on, default generator)
     * @throws IllegalArgumentException for a kernel size of other than 1 or 2 values
     */
    public static Builder builder(int inChannels, int outChannels, int... kernelSize) {
        return new Builder(inChannels, outChannels, kernelSize);
    }

    @Override
    public Tensor forward(Tensor x) {
        return Convolutions.convTranspose2d(x, parameter("weight"), parameter("bias"), stride, padding, outputPadding,
                groups, dilation);
    }

    /**
     * The options of a {@link ConvTranspose2d}, set as {@link ConvBuilder.Transposed} describes; every setter returns
     * this builder.
     */
    public static final class Builder extends ConvBuilder.Transposed<ConvTranspose2d, Builder> {
        private Builder(int inChannels, int outChannels, int... kernelSize) {
            super("ConvTranspose2d", 2, ConvTranspose2d::new, inChannels, outChannels, kernelSize);
        }
    }
}
