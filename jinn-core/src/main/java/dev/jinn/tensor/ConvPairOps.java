package dev.jinn.tensor;

import dev.jinn.autograd.GradNode;
import dev.jinn.kernel.Parallel;
import dev.jinn.kernel.WideningAdd;

/**
 * Two 2-D convolutions with a relu between them, {@code conv2(relu(conv1(x)))}, as one recorded op: the subnet
 * of FrEIA's convolutional coupling blocks ({@code Conv2d(c, 256, 3) → ReLU → Conv2d(256, c', 3)}), whose
 * hidden activations are by far its largest tensors (8 MB for a batch of eight 32×32 images). Unfused, the
 * first convolution's output, its bias sum, the relu, and in the backward pass the hidden gradient and its
 * masked copy are each a fresh tensor of that size; fused, the hidden activations and the hidden gradient are
 * two {@link BufferPool} arrays, the bias and relu are one pass over them, and the mask is applied in place.
 * The convolutions are {@link ConvOps}'s kernels, as in the unfused layers. Batched (4-D) inputs only; an
 * unbatched input runs unfused.
 */
final class ConvPairOps {
    private ConvPairOps() {
    }

    /**
     * {@code second(relu(first(x)))}.
     *
     * @param x      input {@code [N, C, H, W]} or {@code [C, H, W]}
     * @param first  the first convolution
     * @param second the second convolution
     * @return the second convolution's output
     */
    static Tensor convReluConv(Tensor x, Conv2dSpec first, Conv2dSpec second) {
        ConvOps.Geom geo1 = first.geometry(x);
        if (x.shape.length != 4) {
            return second.apply(first.apply(x).relu());
        }
        DType type = x.dtype;
        int n = x.shape[0];
        int[] hiddenShape = geo1.outShape(n);
        Object h = BufferPool.array(type, Shapes.numel(hiddenShape));
        Tensor hidden = new Tensor(h, type, hiddenShape);
        ConvOps.Geom geo2;
        try {
            geo2 = second.geometry(hidden);
        } catch (IllegalArgumentException e) {
            BufferPool.give(h);
            throw e;
        }
        ConvOps.convKernel(geo1, x, first.weight(), hidden);
        addChannelBias(hidden, first.bias(), true);
        Tensor y = ConvOps.convKernel(geo2, hidden, second.weight(), null);
        if (second.bias() != null) {
            addChannelBias(y, second.bias(), false);
        }
        return new Backward(x, first, second, geo1, geo2, hidden).record("ConvReluConvBackward", y);
    }

    /** The backward rule of one fused convolution pair. */
    private static final class Backward extends FusedPair {
        private final Conv2dSpec first;
        private final Conv2dSpec second;
        private final ConvOps.Geom geo1;
        private final ConvOps.Geom geo2;
        private final int[] hiddenShape;

        Backward(Tensor x, Conv2dSpec first, Conv2dSpec second, ConvOps.Geom geo1, ConvOps.Geom geo2,
                Tensor hidden) {
            super(x, first.weight(), first.bias(), second.weight(), second.bias(), hidden.data());
            this.first = first;
            this.second = second;
            this.geo1 = geo1;
            this.geo2 = geo2;
            this.hiddenShape = hidden.shape;
        }

        @Override
        Tensor[] fused(Tensor g, GradNode node) {
            DType type = x.dtype;
            Tensor hidden = new Tensor(h, type, hiddenShape);
            Object gh = BufferPool.array(type, hidden.numel);
            Tensor gHidden = new Tensor(gh, type, hiddenShape);
            // The hidden gradient T2(g) ⊙ relu'(pre), masked in place; h > 0 exactly where pre > 0.
            ConvOps.transposeKernel(geo2, g, w2, gHidden);
            FusedPair.maskByActivation(type, gh, h, hidden.numel);
            Tensor[] grads = {
                needed(node, 0) ? ConvOps.transposeKernel(geo1, gHidden, w1, null) : null,
                needed(node, 1) ? ConvOps.weightKernel(geo1, x, gHidden) : null,
                needed(node, 2) ? channelSums(gHidden) : null,
                needed(node, 3) ? ConvOps.weightKernel(geo2, hidden, g) : null,
                needed(node, 4) ? channelSums(g) : null};
            BufferPool.give(gh);
            for (Tensor t : grads) {
                Tensor.adoptable(t);
            }
            return grads;
        }

        @Override
        Tensor[] recorded(Tensor g) {
            Tensor pre = first.apply(x);
            Tensor gpre = ConvOps.transpose(geo2, g, w2).mul(pre.gt(0.0));
            int[] dims = {0, 2, 3};
            return new Tensor[] {
                ConvOps.transpose(geo1, gpre, w1),
                ConvOps.weightGrad(geo1, x, gpre),
                b1 == null ? null : gpre.sum(dims, false),
                ConvOps.weightGrad(geo2, pre.relu(), g),
                b2 == null ? null : g.sum(dims, false)};
        }
    }

    /**
     * Adds {@code bias[c]} to every value of channel c of the dense {@code [N, C, ...]} tensor t in place, and with
     * {@code relu} applies {@code max(·, 0)} in the same pass; a null bias adds zeros.
     */
    private static void addChannelBias(Tensor t, Tensor bias, boolean relu) {
        int planes = t.shape[0] * t.shape[1];
        int plane = t.numel / Math.max(1, planes);
        double[] b = biasValues(bias, t.shape[1]);
        if (t.dtype == DType.FLOAT32) {
            float[] o = (float[]) t.data();
            Parallel.forRange(planes, plane, (from, to) -> {
                for (int p = from; p < to; p++) {
                    float bc = (float) b[p % b.length];
                    for (int j = p * plane; j < (p + 1) * plane; j++) {
                        o[j] = relu ? Math.max(o[j] + bc, 0f) : o[j] + bc;
                    }
                }
            });
        } else {
            double[] o = (double[]) t.data();
            Parallel.forRange(planes, plane, (from, to) -> {
                for (int p = from; p < to; p++) {
                    double bc = b[p % b.length];
                    for (int j = p * plane; j < (p + 1) * plane; j++) {
                        o[j] = relu ? Math.max(o[j] + bc, 0.0) : o[j] + bc;
                    }
                }
            });
        }
    }

    /** The bias values (exact in double for either precision), zeros when there is no bias. */
    private static double[] biasValues(Tensor bias, int channels) {
        double[] b = new double[channels];
        for (int c = 0; bias != null && c < channels; c++) {
            b[c] = ElementAccess.read(bias.data(), bias.dtype, bias.offset + c * bias.strides[0]);
        }
        return b;
    }

    /**
     * The per-channel sums of a {@code [N, C, H, W]} gradient (a convolution's bias gradient): each channel's
     * planes are added into a row of double accumulators (float32 widened eight values at a time) in image
     * order, and the row is then summed in order, so each channel is one fixed sequence of additions whatever
     * the thread count.
     */
    private static Tensor channelSums(Tensor g) {
        Tensor gd = g.contiguous ? g : Elementwise.copy(g, g.dtype);
        int n = gd.shape[0];
        int channels = gd.shape[1];
        int plane = gd.numel / Math.max(1, n * channels);
        Tensor out = Tensor.empty(gd.dtype, new int[] {channels});
        Parallel.forRange(channels, (long) n * plane, (from, to) -> {
            double[] acc = new double[plane];
            for (int c = from; c < to; c++) {
                java.util.Arrays.fill(acc, 0.0);
                for (int b = 0; b < n; b++) {
                    int at = gd.offset + (b * channels + c) * plane;
                    if (gd.dtype == DType.FLOAT32) {
                        WideningAdd.addInto((float[]) gd.data(), at, acc, 0, plane);
                    } else {
                        double[] v = (double[]) gd.data();
                        for (int j = 0; j < plane; j++) {
                            acc[j] += v[at + j];
                        }
                    }
                }
                double total = 0;
                for (double a : acc) {
                    total += a;
                }
                ElementAccess.write(out.data(), out.dtype, c, total);
            }
        });
        return out;
    }
}
