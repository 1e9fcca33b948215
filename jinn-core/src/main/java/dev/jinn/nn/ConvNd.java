package dev.jinn.nn;

import dev.jinn.check.Require;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.Arrays;

/**
 * What {@link Conv1d}, {@link Conv2d}, {@link ConvTranspose1d} and {@link ConvTranspose2d} share, as PyTorch's
 * {@code _ConvNd}: the options, their validation, the parameters {@code weight} and {@code bias} with PyTorch's
 * default initialisation (PyTorch's, drawn through {@link Init}), the getters and the printed form. The options
 * come from a {@link ConvBuilder}, the one builder of all four layers.
 */
abstract class ConvNd extends AffineLayer {
    final int inChannels;
    final int outChannels;
    final int[] kernelSize;
    final int[] stride;
    final int[] padding;
    final int[] dilation;
    final int[] outputPadding;
    final int groups;
    final boolean transposed;

    /**
     * The layer the builder describes, checking the options.
     *
     * @param b the finished builder ({@link ConvBuilder.Transposed} for a transposed layer)
     */
    ConvNd(ConvBuilder<?, ?> b) {
        Rng rng = b.rng == null ? Init.defaultRng() : b.rng;
        transposed = b instanceof ConvBuilder.Transposed;
        inChannels = b.inChannels;
        outChannels = b.outChannels;
        kernelSize = b.kernelSize.clone();
        stride = b.stride.clone();
        padding = b.padding.clone();
        dilation = b.dilation.clone();
        outputPadding = b.outputPadding.clone();
        groups = b.groups;
        validate(b.layer);
        int[] shape = new int[2 + kernelSize.length];
        shape[0] = transposed ? inChannels : outChannels;
        shape[1] = transposed ? outChannels / groups : inChannels / groups;
        long fanIn = shape[1];
        for (int d = 0; d < kernelSize.length; d++) {
            shape[2 + d] = kernelSize[d];
            fanIn *= kernelSize[d];
        }
        // PyTorch's default: kaiming_uniform(a=√5) on the weight, i.e. U(±1/√fan_in), and the same bound for the bias.
        double bound = fanIn > 0 ? 1.0 / Math.sqrt(fanIn) : 0.0;
        registerParameter("weight", Init.uniform(Tensors.zeros(shape), -bound, bound, rng));
        registerParameter("bias", b.bias ? Init.uniform(Tensors.zeros(outChannels), -bound, bound, rng) : null);
    }

    /** Rejects options PyTorch rejects, naming the layer, the option and its value. */
    private void validate(String name) {
        if (inChannels <= 0 || outChannels <= 0) {
            throw new IllegalArgumentException(name + ": in_channels and out_channels must be positive, got "
                    + inChannels + " and " + outChannels);
        }
        Require.positive(groups, name + ": groups");
        if (inChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": in_channels " + inChannels + " is not divisible by groups "
                    + groups);
        }
        if (outChannels % groups != 0) {
            throw new IllegalArgumentException(name + ": out_channels " + outChannels
                    + " is not divisible by groups " + groups);
        }
        check(name, "kernel_size", kernelSize, 1);
        check(name, "stride", stride, 1);
        check(name, "padding", padding, 0);
        check(name, "dilation", dilation, 1);
        check(name, "output_padding", outputPadding, 0);
        for (int d = 0; d < outputPadding.length; d++) {
            if (outputPadding[d] >= Math.max(stride[d], dilation[d])) {
                throw new IllegalArgumentException(name + ": output_padding " + tuple(outputPadding)
                        + " must be smaller than either stride " + tuple(stride) + " or dilation " + tuple(dilation)
                        + " in every dim");
            }
        }
    }

    private static void check(String name, String what, int[] values, int min) {
        for (int v : values) {
            if (v < min) {
                throw new IllegalArgumentException(name + ": " + what + " must be " + (min == 0 ? "non-negative" : "positive")
                        + ", got " + tuple(values));
            }
        }
    }

    /** A size tuple printed as Python does: {@code (3, 3)}, {@code (3,)}. */
    static String tuple(int[] v) {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(v[i]);
        }
        return sb.append(v.length == 1 ? ",)" : ")").toString();
    }

    /**
     * Input channels.
     *
     * @return {@code in_channels}
     */
    public int inChannels() {
        return inChannels;
    }

    /**
     * Output channels.
     *
     * @return {@code out_channels}
     */
    public int outChannels() {
        return outChannels;
    }

    /**
     * Kernel size per spatial dim.
     *
     * @return a copy of {@code kernel_size}
     */
    public int[] kernelSize() {
        return kernelSize.clone();
    }

    /**
     * Stride per spatial dim.
     *
     * @return a copy of {@code stride}
     */
    public int[] stride() {
        return stride.clone();
    }

    /**
     * Zero padding per spatial dim.
     *
     * @return a copy of {@code padding}
     */
    public int[] padding() {
        return padding.clone();
    }

    /**
     * Dilation per spatial dim.
     *
     * @return a copy of {@code dilation}
     */
    public int[] dilation() {
        return dilation.clone();
    }

    /**
     * Number of channel groups.
     *
     * @return {@code groups}
     */
    public int groups() {
        return groups;
    }

    /** PyTorch's form, e.g. {@code 3, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)}. */
    @Override
    protected String extraRepr() {
        StringBuilder sb = new StringBuilder();
        sb.append(inChannels).append(", ").append(outChannels).append(", kernel_size=").append(tuple(kernelSize))
                .append(", stride=").append(tuple(stride));
        if (Arrays.stream(padding).anyMatch(p -> p != 0)) {
            sb.append(", padding=").append(tuple(padding));
        }
        if (Arrays.stream(dilation).anyMatch(d -> d != 1)) {
            sb.append(", dilation=").append(tuple(dilation));
        }
        if (Arrays.stream(outputPadding).anyMatch(p -> p != 0)) {
            sb.append(", output_padding=").append(tuple(outputPadding));
        }
        if (groups != 1) {
            sb.append(", groups=").append(groups);
        }
        if (parameter("bias") == null) {
            sb.append(", bias=False");
        }
        return sb.toString();
    }
}
