package dev.jinn.tensor;

/**
 * Convolutions as functions, like {@code torch.nn.functional.conv1d/conv2d/conv_transpose1d/conv_transpose2d}
 * (the layers in {@code dev.jinn.nn} call these). Each takes the input, the weight and an optional bias (null
 * for none), then the options in PyTorch's order. 2-D options are {height, width} pairs; the short overloads
 * use stride 1, padding 0, dilation 1, groups 1 and output padding 0. Inputs may be batched {@code (N, C, ...)}
 * or unbatched {@code (C, ...)}. Padding is zero padding. All are differentiable, to any order.
 */
public final class Convolutions {
    private Convolutions() {
    }

    /**
     * 1-D convolution (cross-correlation, as in PyTorch) with stride 1, no padding, dilation 1, one group.
     *
     * @param input  {@code [N, Cin, L]} or {@code [Cin, L]}
     * @param weight {@code [Cout, Cin, K]}
     * @param bias   {@code [Cout]}, or null
     * @return {@code [N, Cout, L - K + 1]}
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias) {
        return conv1d(input, weight, bias, 1, 0, 1, 1);
    }

    /**
     * 1-D convolution, like {@code torch.nn.functional.conv1d}: output length
     * {@code ⌊(L + 2·padding − dilation·(K − 1) − 1) / stride⌋ + 1}.
     *
     * @param input    {@code [N, Cin, L]} or {@code [Cin, L]}
     * @param weight   {@code [Cout, Cin/groups, K]}
     * @param bias     {@code [Cout]}, or null
     * @param stride   step between output positions, at least 1
     * @param padding  zeros added at both ends, at least 0
     * @param dilation spacing of kernel taps, at least 1
     * @param groups   number of channel groups; divides Cin and Cout
     * @return {@code [N, Cout, Lout]} (or {@code [Cout, Lout]} for an unbatched input)
     */
    public static Tensor conv1d(Tensor input, Tensor weight, Tensor bias, int stride, int padding, int dilation,
            int groups) {
        return ConvOps.conv("conv1d", 1, input, weight, bias, new int[] {stride}, new int[] {padding},
                new int[] {dilation}, groups);
    }

    /**
     * 2-D convolution (cross-correlation, as in PyTorch) with stride 1, no padding, dilation 1, one group.
     *
     * @param input  {@code [N, Cin, H, W]} or {@code [Cin, H, W]}
     * @param weight {@code [Cout, Cin, KH, KW]}
     * @param bias   {@code [Cout]}, or null
     * @return {@code [N, Cout, H - KH + 1, W - KW + 1]}
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias) {
        return conv2d(input, weight, bias, 1, 0);
    }

    /**
     * 2-D convolution with the same stride and padding in both dims, dilation 1 and one group.
     *
     * @param input   {@code [N, Cin, H, W]} or {@code [Cin, H, W]}
     * @param weight  {@code [Cout, Cin, KH, KW]}
     * @param bias    {@code [Cout]}, or null
     * @param stride  step between output positions, at least 1
     * @param padding zeros added on every side, at least 0
     * @return {@code [N, Cout, Hout, Wout]}
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding) {
        return conv2d(input, weight, bias, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {1, 1}, 1);
    }

    /**
     * 2-D convolution, like {@code torch.nn.functional.conv2d}: in each dim,
     * {@code out = ⌊(in + 2·padding − dilation·(K − 1) − 1) / stride⌋ + 1}.
     *
     * @param input    {@code [N, Cin, H, W]} or {@code [Cin, H, W]}
     * @param weight   {@code [Cout, Cin/groups, KH, KW]}
     * @param bias     {@code [Cout]}, or null
     * @param stride   {@code {sH, sW}}, at least 1
     * @param padding  {@code {pH, pW}}, at least 0
     * @param dilation {@code {dH, dW}}, at least 1
     * @param groups   number of channel groups; divides Cin and Cout ({@code groups == Cin} is depthwise)
     * @return {@code [N, Cout, Hout, Wout]} (or {@code [Cout, Hout, Wout]} for an unbatched input)
     */
    public static Tensor conv2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] dilation, int groups) {
        return ConvOps.conv("conv2d", 2, input, weight, bias, stride, padding, dilation, groups);
    }

    /**
     * Two 2-D convolutions with a relu between them, {@code second(relu(first(input)))}, as one op: the same
     * function as the three applied in turn, with the hidden activations and their gradient kept in recycled
     * buffers instead of five fresh tensors of the hidden size. {@link dev.jinn.nn.Sequential} uses it for every
     * Conv2d → ReLU → Conv2d run of its layers.
     *
     * @param input  {@code [N, Cin, H, W]} (an unbatched {@code [Cin, H, W]} runs the three ops in turn)
     * @param first  the first convolution
     * @param second the second convolution, whose input channels are the first's outputs
     * @return the second convolution's output
     * @throws IllegalArgumentException when a convolution's shapes, dtypes or options do not fit, as
     *                                  {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)} names them
     */
    public static Tensor conv2dReluConv2d(Tensor input, Conv2dSpec first, Conv2dSpec second) {
        return ConvPairOps.convReluConv(input, first, second);
    }

    /**
     * 1-D transposed convolution (the adjoint of {@link #conv1d}) with stride 1, no padding, one group.
     *
     * @param input  {@code [N, Cin, L]} or {@code [Cin, L]}
     * @param weight {@code [Cin, Cout, K]}
     * @param bias   {@code [Cout]}, or null
     * @return {@code [N, Cout, L + K - 1]}
     */
    public static Tensor convTranspose1d(Tensor input, Tensor weight, Tensor bias) {
        return convTranspose1d(input, weight, bias, 1, 0, 0, 1, 1);
    }

    /**
     * 1-D transposed convolution, like {@code torch.nn.functional.conv_transpose1d}: output length
     * {@code (L − 1)·stride − 2·padding + dilation·(K − 1) + outputPadding + 1}.
     *
     * @param input         {@code [N, Cin, L]} or {@code [Cin, L]}
     * @param weight        {@code [Cin, Cout/groups, K]}
     * @param bias          {@code [Cout]}, or null
     * @param stride        at least 1
     * @param padding       implicit zero padding of the matching convolution, at least 0
     * @param outputPadding extra length added at the end, smaller than stride or dilation
     * @param groups        number of channel groups; divides Cin and Cout
     * @param dilation      spacing of kernel taps, at least 1
     * @return {@code [N, Cout, Lout]} (or {@code [Cout, Lout]} for an unbatched input)
     */
    public static Tensor convTranspose1d(Tensor input, Tensor weight, Tensor bias, int stride, int padding,
            int outputPadding, int groups, int dilation) {
        return ConvOps.convTranspose("convTranspose1d", 1, input, weight, bias, new int[] {stride},
                new int[] {padding}, new int[] {outputPadding}, groups, new int[] {dilation});
    }

    /**
     * 2-D transposed convolution (the adjoint of {@link #conv2d}) with stride 1, no padding, one group.
     *
     * @param input  {@code [N, Cin, H, W]} or {@code [Cin, H, W]}
     * @param weight {@code [Cin, Cout, KH, KW]}
     * @param bias   {@code [Cout]}, or null
     * @return {@code [N, Cout, H + KH - 1, W + KW - 1]}
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias) {
        return convTranspose2d(input, weight, bias, 1, 0, 0);
    }

    /**
     * 2-D transposed convolution with the same stride, padding and output padding in both dims, dilation 1
     * and one group.
     *
     * @param input         {@code [N, Cin, H, W]} or {@code [Cin, H, W]}
     * @param weight        {@code [Cin, Cout, KH, KW]}
     * @param bias          {@code [Cout]}, or null
     * @param stride        at least 1
     * @param padding       at least 0
     * @param outputPadding smaller than stride
     * @return {@code [N, Cout, Hout, Wout]}
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int stride, int padding,
            int outputPadding) {
        return convTranspose2d(input, weight, bias, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {outputPadding, outputPadding}, 1, new int[] {1, 1});
    }

    /**
     * 2-D transposed convolution, like {@code torch.nn.functional.conv_transpose2d}: in each dim,
     * {@code out = (in − 1)·stride − 2·padding + dilation·(K − 1) + outputPadding + 1}. It is the adjoint of
     * {@link #conv2d(Tensor, Tensor, Tensor, int[], int[], int[], int)} with the same weight and options
     * ({@code ⟨conv2d(x, w), y⟩ = ⟨x, convTranspose2d(y, w)⟩}), i.e. the gradient of a convolution with
     * respect to its input.
     *
     * @param input         {@code [N, Cin, H, W]} or {@code [Cin, H, W]}
     * @param weight        {@code [Cin, Cout/groups, KH, KW]}
     * @param bias          {@code [Cout]}, or null
     * @param stride        {@code {sH, sW}}, at least 1
     * @param padding       {@code {pH, pW}}, at least 0
     * @param outputPadding {@code {opH, opW}}, each smaller than the stride or the dilation in its dim
     * @param groups        number of channel groups; divides Cin and Cout
     * @param dilation      {@code {dH, dW}}, at least 1
     * @return {@code [N, Cout, Hout, Wout]} (or {@code [Cout, Hout, Wout]} for an unbatched input)
     */
    public static Tensor convTranspose2d(Tensor input, Tensor weight, Tensor bias, int[] stride, int[] padding,
            int[] outputPadding, int groups, int[] dilation) {
        return ConvOps.convTranspose("convTranspose2d", 2, input, weight, bias, stride, padding, outputPadding,
                groups, dilation);
    }
}
