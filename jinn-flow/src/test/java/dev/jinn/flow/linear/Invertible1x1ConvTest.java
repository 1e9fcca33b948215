package dev.jinn.flow.linear;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Glow's learned 1×1 convolution: conformance on vectors, signals and images, its LU log-det, its keys. */
class Invertible1x1ConvTest {
    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).abs().max().item();
    }

    @Test
    void conformsOnVectorsSignalsAndImages() {
        for (Shape shape : List.of(Shape.of(3), Shape.of(2, 5), Shape.of(3, 2, 4))) {
            FlowConformance.of("Invertible1x1Conv " + shape, Invertible1x1Conv.spec(new Rng(21)), List.of(shape),
                    List.of()).parameterNoise(0.3).run();
        }
    }

    @Test
    void startsAsARotationAndHasGlowsLogDet() {
        Invertible1x1Conv conv = new Invertible1x1Conv(List.of(Shape.of(3, 2, 4)), new Rng(21));
        conv.to(DType.FLOAT64);
        Tensor w0 = conv.weight();
        assertThat(maxAbsDiff(w0.matmul(w0.t()), Tensors.eye(DType.FLOAT64, 3))).as("a rotation at init (float32)")
                .isLessThan(1e-6);
        try (var g = Grad.disabled()) {
            for (Tensor p : conv.parameters()) {
                p.copyFrom(p.add(Tensors.randn(new Rng(22), DType.FLOAT64, p.shape()).mul(0.3)));
            }
        }
        Tensor x = Tensors.randn(new Rng(23), DType.FLOAT64, 2, 3, 2, 4);
        FlowResult r = conv.forward(x);
        double logAbsDetW = conv.weight().slogdet().logAbsDet().item();
        assertThat(r.logDet().toDoubleArray()[0]).isCloseTo(8 * logAbsDetW, within(1e-10));
        assertThat(Math.abs(logAbsDetW)).isGreaterThan(1e-3);
        assertThat(maxAbsDiff(conv.inverse(r.output()).output(), x)).isLessThan(1e-12);

        Invertible1x1Conv dense = new Invertible1x1Conv(List.of(Shape.of(3)), new Rng(24));
        dense.to(DType.FLOAT64);
        dense.loadStateDict(conv.stateDict(), true);
        Tensor v = Tensors.randn(new Rng(24), DType.FLOAT64, 5, 3);
        assertThat(maxAbsDiff(dense.forward(v).output(), v.matmul(conv.weight().t()))).isLessThan(1e-12);
        assertThat(dense.forward(v).logDet().toDoubleArray()[0]).isCloseTo(logAbsDetW, within(1e-10));
        assertThat(conv.stateDict()).containsOnlyKeys("lower", "upper", "log_s", "p", "sign_s");
        assertThatThrownBy(() -> new Invertible1x1Conv(List.of(Shape.of(2, 2, 2, 2)), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(C, H, W)");
    }
}
