package dev.jinn.tensor;

/**
 * One 2-D convolution's parameters and options, as {@link Convolutions#conv2d(Tensor, Tensor, Tensor, int[], int[],
 * int[], int)} takes them: the operands of a fused convolution pair ({@link Convolutions#conv2dReluConv2d}).
 *
 * @param weight   {@code [Cout, Cin/groups, KH, KW]}
 * @param bias     {@code [Cout]}, or null
 * @param stride   {@code {sH, sW}}
 * @param padding  {@code {pH, pW}}
 * @param dilation {@code {dH, dW}}
 * @param groups   number of channel groups
 */
public record Conv2dSpec(Tensor weight, Tensor bias, int[] stride, int[] padding, int[] dilation, int groups) {
    /** The convolution alone, {@code conv2d(input, weight, bias, ...)}. */
    Tensor apply(Tensor input) {
        return Convolutions.conv2d(input, weight, bias, stride, padding, dilation, groups);
    }

    /** Its geometry for {@code input}, validated with {@code conv2d}'s messages. */
    ConvOps.Geom geometry(Tensor input) {
        return ConvOps.convGeometry("conv2d", 2, input, weight, bias, stride, padding, dilation, groups);
    }
}
