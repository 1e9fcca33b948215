package dev.jinn.flow.invauto;

import dev.jinn.flow.Shape;
import dev.jinn.flow.SingleInput;
import dev.jinn.flow.UnconditionalSpec;
import dev.jinn.nn.Conv2d;
import dev.jinn.nn.Init;
import dev.jinn.tensor.Convolutions;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;

/**
 * FrEIA's convolutional invertible-autoencoder layer {@code InvAutoConv2D}: {@code y = conv2d(x, K) + b}, reverse
 * {@code x = conv_transpose2d(y − b, K)} with the same kernel and padding (see {@link TransposeInverted}: exact
 * only when the convolution is orthogonal; log-det reported as 0).
 *
 * <p>Parameters, FrEIA's names: {@code conv2d.weight [C_out, C_in, k, k]} (PyTorch's {@code nn.Conv2d} default
 * initialisation, no convolution bias) and {@code bias [1, C_out, 1, 1]}, from {@code N(0, 1)}. The output is
 * {@code (C_out, H + 2p − k + 1, W + 2p − k + 1)}: FrEIA's default {@code kernel_size=3, padding=1} keeps the
 * image size (FrEIA itself reports the output shape as {@code dims_out} without checking it).
 */
public final class InvAutoConv2D extends TransposeInverted {
    private final int padding;
    private final Conv2d conv;
    private final Shape out;

    /**
     * FrEIA's default layer: as many output channels as input channels, kernel 3, padding 1.
     *
     * @param dimsIn one input shape {@code (C, H, W)}
     */
    public InvAutoConv2D(List<Shape> dimsIn) {
        this(dimsIn, 0, 3, 1, Init.defaultRng());
    }

    /**
     * The layer.
     *
     * @param dimsIn      one input shape {@code (C, H, W)}
     * @param outChannels the output channels, or 0 for the input's
     * @param kernelSize  the square kernel's size, at least 1
     * @param padding     the zero padding, at least 0
     * @param rng         the random source of the initial weights
     * @throws IllegalArgumentException for an input that is not an image, or sizes that leave no output
     */
    public InvAutoConv2D(List<Shape> dimsIn, int outChannels, int kernelSize, int padding, Rng rng) {
        super(dimsIn);
        Shape in = SingleInput.ofRank("InvAutoConv2D", dimsIn, 3, "(C, H, W)");
        int h = in.dims()[1] + 2 * padding - kernelSize + 1;
        int w = in.dims()[2] + 2 * padding - kernelSize + 1;
        if (outChannels < 0 || kernelSize < 1 || padding < 0 || h < 1 || w < 1) {
            throw new IllegalArgumentException("InvAutoConv2D: need output channels >= 0 (0: the input's), kernel size"
                    + " >= 1 and padding >= 0 leaving an output image, got " + outChannels + ", " + kernelSize + " and "
                    + padding + " for input " + in);
        }
        int channels = outChannels == 0 ? in.channels() : outChannels;
        this.padding = padding;
        this.out = Shape.of(channels, h, w);
        this.conv = registerModule("conv2d", Conv2d.builder(in.channels(), channels, kernelSize).padding(padding)
                .bias(false).rng(rng).build());
        registerParameter("bias", Init.normal(Tensors.zeros(1, channels, 1, 1), 0, 1, rng));
    }

    /**
     * FrEIA's default spec (kernel 3, padding 1, channels kept).
     *
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec() {
        return InvAutoConv2D::new;
    }

    /**
     * A spec with chosen sizes.
     *
     * @param outChannels the output channels, or 0 for the input's
     * @param kernelSize  the square kernel's size
     * @param padding     the zero padding
     * @param rng         the random source of the initial weights
     * @return a spec for {@code SequenceINN.append} or a graph node
     */
    public static UnconditionalSpec spec(int outChannels, int kernelSize, int padding, Rng rng) {
        return in -> new InvAutoConv2D(in, outChannels, kernelSize, padding, rng);
    }

    @Override
    Tensor map(Tensor x) {
        return conv.forward(x);
    }

    @Override
    Tensor adjoint(Tensor y) {
        return Convolutions.convTranspose2d(y, conv.parameter("weight"), null, 1, padding, 0);
    }

    /** {@code (C_out, H + 2p − k + 1, W + 2p − k + 1)}. */
    @Override
    public List<Shape> outputDims(List<Shape> inputDims) {
        SingleInput.ofRank("InvAutoConv2D", inputDims, 3, "(C, H, W)");
        return List.of(out);
    }
}
