package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fused convolution pair against the two convolutions and the relu applied in turn. */
class ConvPairOpsTest {
    private static final GradCheck CHECK2 = GradCheck.withTolerances(1e-6, 1e-5).secondOrder(true);

    private static Tensor randn(long seed, int... shape) {
        return Tensors.randn(new Rng(seed), DType.FLOAT64, shape);
    }

    private static Conv2dSpec spec(Tensor w, Tensor b, int stride, int padding, int dilation, int groups) {
        return new Conv2dSpec(w, b, new int[] {stride, stride}, new int[] {padding, padding},
                new int[] {dilation, dilation}, groups);
    }

    /** Input and the two convolutions of a layout: 2 → 4 → 3 channels unless the layout says otherwise. */
    private static Object[] layout(String name) {
        Tensor x = switch (name) {
            case "unbatched" -> randn(1, 2, 6, 5);
            case "strided input" -> randn(2, 2, 2, 5, 6).transpose(2, 3);
            default -> randn(3, 2, 2, 6, 5);
        };
        boolean biases = !name.equals("no biases");
        Tensor b1 = biases ? randn(4, 4) : null;
        Tensor b2 = biases ? randn(5, 3) : null;
        return switch (name) {
            case "stride and dilation" -> new Object[] {x, spec(randn(6, 4, 2, 3, 3), b1, 2, 2, 2, 1),
                spec(randn(7, 3, 4, 2, 2), b2, 1, 0, 1, 1)};
            case "groups" -> new Object[] {x, spec(randn(8, 4, 1, 3, 3), b1, 1, 1, 1, 2),
                spec(randn(9, 2, 2, 1, 1), null, 1, 0, 1, 2)};
            default -> new Object[] {x, spec(randn(10, 4, 2, 3, 3), b1, 1, 1, 1, 1),
                spec(randn(11, 3, 4, 3, 3), b2, 1, 1, 1, 1)};
        };
    }

    private static Tensor composed(Tensor x, Conv2dSpec a, Conv2dSpec b) {
        return b.apply(a.apply(x).relu());
    }

    private static Conv2dSpec with(Conv2dSpec s, Tensor w, Tensor b) {
        return new Conv2dSpec(w, b, s.stride(), s.padding(), s.dilation(), s.groups());
    }

    @ParameterizedTest
    @ValueSource(strings = {"plain", "no biases", "stride and dilation", "groups", "strided input", "unbatched"})
    void valuesAndBothOrdersOfGradientsAreThoseOfTheComposedConvolutions(String name) {
        Object[] l = layout(name);
        Tensor x = (Tensor) l[0];
        Conv2dSpec a = (Conv2dSpec) l[1];
        Conv2dSpec b = (Conv2dSpec) l[2];
        Tensor expected = composed(x, a, b);
        Tensor actual = Convolutions.conv2dReluConv2d(x, a, b);
        assertThat(actual.shape()).containsExactly(expected.shape());
        assertThat(actual.allClose(expected, 0, 1e-13)).isTrue();
        if (a.bias() == null) {
            CHECK2.verify(in -> Convolutions.conv2dReluConv2d(in[0], with(a, in[1], null), with(b, in[2], null)),
                    x.requiresGrad(true), a.weight().requiresGrad(true), b.weight().requiresGrad(true));
        } else if (b.bias() == null) {
            CHECK2.verify(in -> Convolutions.conv2dReluConv2d(in[0], with(a, in[1], in[2]), with(b, in[3], null)),
                    x.requiresGrad(true), a.weight().requiresGrad(true), a.bias().requiresGrad(true),
                    b.weight().requiresGrad(true));
        } else {
            CHECK2.verify(in -> Convolutions.conv2dReluConv2d(in[0], with(a, in[1], in[2]), with(b, in[3], in[4])),
                    x.requiresGrad(true), a.weight().requiresGrad(true), a.bias().requiresGrad(true),
                    b.weight().requiresGrad(true), b.bias().requiresGrad(true));
        }
    }

    /** Gradients of x, w1, b1, w2, b2 and the output, after {@code sum(f(x) * weights).backward()}. */
    private static Tensor[] grads(boolean fused, Tensor x, Conv2dSpec a, Conv2dSpec b, Tensor weights) {
        Tensor[] l = {x.detach().requiresGrad(true), a.weight().detach().requiresGrad(true),
            a.bias().detach().requiresGrad(true), b.weight().detach().requiresGrad(true),
            b.bias().detach().requiresGrad(true)};
        Conv2dSpec la = with(a, l[1], l[2]);
        Conv2dSpec lb = with(b, l[3], l[4]);
        Tensor y = fused ? Convolutions.conv2dReluConv2d(l[0], la, lb) : composed(l[0], la, lb);
        y.mul(weights).sum().backward();
        return new Tensor[] {l[0].grad(), l[1].grad(), l[2].grad(), l[3].grad(), l[4].grad(), y.detach()};
    }

    private static Conv2dSpec single(Conv2dSpec s) {
        return with(s, s.weight().to(DType.FLOAT32), s.bias().to(DType.FLOAT32));
    }

    @Test
    void float32OnACouplingSubnetAgreesWithFloat64() {
        // FrEIA's convolutional subnet in small: 2 → 64 → 4 channels, 3×3 kernels, same padding, batch 3.
        Tensor x = randn(21, 3, 2, 12, 12);
        Conv2dSpec a = spec(randn(22, 64, 2, 3, 3).mul(0.3), randn(23, 64), 1, 1, 1, 1);
        Conv2dSpec b = spec(randn(24, 4, 64, 3, 3).mul(0.05), randn(25, 4), 1, 1, 1, 1);
        Tensor weights = randn(26, 3, 4, 12, 12);
        Tensor[] exact = grads(false, x, a, b, weights);
        Tensor[] fused = grads(true, x.to(DType.FLOAT32), single(a), single(b), weights.to(DType.FLOAT32));
        for (int i = 0; i < exact.length; i++) {
            assertThat(fused[i].dtype()).isEqualTo(DType.FLOAT32);
            assertThat(fused[i].to(DType.FLOAT64).allClose(exact[i], 1e-4, 1e-4)).as("gradient %d", i).isTrue();
        }
    }

    @Test
    void recycledBuffersDoNotLeakBetweenInterleavedPasses() {
        // Hidden activations of 2·8·16·16 = 4096 values, the pool's smallest; the second convolution has stride 2,
        // so its transpose adds into the recycled hidden gradient through col2im, which must start from zero.
        assertThat(2 * 8 * 16 * 16).isGreaterThanOrEqualTo(BufferPool.MIN_LENGTH);
        Conv2dSpec a = spec(randn(30, 8, 2, 3, 3), randn(34, 8), 1, 1, 1, 1);
        Conv2dSpec b = spec(randn(35, 3, 8, 3, 3), randn(36, 3), 2, 1, 1, 1);
        Tensor x1 = randn(31, 2, 2, 16, 16);
        Tensor x2 = randn(32, 2, 2, 16, 16);
        Tensor weights = randn(33, 2, 3, 8, 8);
        Tensor[] expected1 = grads(false, x1, a, b, weights);
        Tensor[] expected2 = grads(false, x2, a, b, weights);
        // Leaves recycled arrays full of other values in the pool.
        grads(true, randn(37, 2, 2, 16, 16).mul(100.0), a, b, weights);
        Tensor[] l1 = leaves(x1, a, b);
        Tensor[] l2 = leaves(x2, a, b);
        // Both graphs alive at once; the second is differentiated first.
        Tensor y1 = Convolutions.conv2dReluConv2d(l1[0], with(a, l1[1], l1[2]), with(b, l1[3], l1[4]));
        Tensor y2 = Convolutions.conv2dReluConv2d(l2[0], with(a, l2[1], l2[2]), with(b, l2[3], l2[4]));
        y2.mul(weights).sum().backward();
        Tensor again = Convolutions.conv2dReluConv2d(x2, a, b);
        y1.mul(weights).sum().backward();
        for (int i = 0; i < l1.length; i++) {
            assertThat(l1[i].grad().allClose(expected1[i], 0, 1e-12)).as("first graph, gradient %d", i).isTrue();
            assertThat(l2[i].grad().allClose(expected2[i], 0, 1e-12)).as("second graph, gradient %d", i).isTrue();
        }
        assertThat(y1.detach().allClose(expected1[5], 0, 1e-13)).isTrue();
        assertThat(again.allClose(expected2[5], 0, 1e-13)).isTrue();
    }

    private static Tensor[] leaves(Tensor x, Conv2dSpec a, Conv2dSpec b) {
        return new Tensor[] {x.detach().requiresGrad(true), a.weight().detach().requiresGrad(true),
            a.bias().detach().requiresGrad(true), b.weight().detach().requiresGrad(true),
            b.bias().detach().requiresGrad(true)};
    }

    @Test
    void mismatchedConvolutionsAreNamedAsConv2dNamesThem() {
        Object[] l = layout("plain");
        Tensor x = (Tensor) l[0];
        Conv2dSpec a = (Conv2dSpec) l[1];
        Conv2dSpec wrong = spec(randn(41, 3, 5, 3, 3), null, 1, 1, 1, 1);
        assertThatThrownBy(() -> Convolutions.conv2dReluConv2d(x, a, wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("conv2d: input [2, 4, 6, 5] has 4 channels but weight [3, 5, 3, 3] with groups=1 "
                        + "expects 5");
        assertThatThrownBy(() -> Convolutions.conv2dReluConv2d(randn(42, 2, 3, 6, 5), a, wrong))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conv2d: input [2, 3, 6, 5] has 3 channels");
    }
}
