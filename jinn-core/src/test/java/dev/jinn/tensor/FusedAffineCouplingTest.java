package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.GradCheck;
import dev.jinn.kernel.AffineCouplingKernel.Shape;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The fused clamped affine map against the composed ops it replaces, and against finite differences. */
class FusedAffineCouplingTest {
    private static final GradCheck CHECK2 = GradCheck.withTolerances(1e-6, 1e-5).secondOrder(true);

    /** The unfused map: s = clamp·f(raw/divisor), y = e^s·x + t (or (x − t)·e^−s), log-det ±Σ s. */
    private static Tensor[] composed(Shape shape, double clamp, double divisor, boolean reverse, Tensor x, Tensor raw,
            Tensor t) {
        Tensor u = raw.div(divisor);
        Tensor f = switch (shape) {
            case ATAN -> u.atan().mul(0.636);
            case TANH -> u.tanh();
            case SIGMOID -> u.sigmoid().sub(0.5).mul(2.0);
        };
        Tensor s = f.mul(clamp);
        int[] axes = new int[x.dim() - 1];
        for (int a = 0; a < axes.length; a++) {
            axes[a] = a + 1;
        }
        Tensor ld = s.sum(axes, false);
        return reverse ? new Tensor[] {x.sub(t).mul(s.neg().exp()), ld.neg()}
                : new Tensor[] {s.exp().mul(x).add(t), ld};
    }

    /** y and the log-det flattened into one vector, so that one check covers both outputs. */
    private static Tensor both(Tensor[] r) {
        return Tensor.cat(List.of(r[0].reshape(-1), r[1]), 0);
    }

    /** x [4, n, ...] and raw/shift as the two halves of one subnet output (strided views), non-trivial values. */
    private static Tensor[] operands(DType type, boolean image, long seed) {
        Rng rng = new Rng(seed);
        int[] xs = image ? new int[] {4, 3, 2, 5} : new int[] {4, 3};
        int[] as = xs.clone();
        as[1] *= 2;
        int[] wide = xs.clone();
        wide[1] += 1;
        Tensor x = Tensors.randn(rng, type, wide).mul(1.5).narrow(1, 1, xs[1]); // a channel split of a wider input
        Tensor a = Tensors.randn(rng, type, as).mul(2.0);
        return new Tensor[] {x, a.narrow(1, 0, xs[1]), a.narrow(1, xs[1], xs[1])};
    }

    @ParameterizedTest
    @CsvSource({"ATAN,1.2,1,false,false", "ATAN,2.0,1,true,true", "TANH,2.0,2.0,false,true", "TANH,1.0,1,true,false",
        "SIGMOID,1.5,1,false,false", "SIGMOID,0.7,1,true,true"})
    void valuesEqualTheComposedOpsAndGradientsOfBothOrdersAreRight(Shape shape, double clamp, double divisor,
            boolean reverse, boolean image) {
        FusedAffineCoupling op = new FusedAffineCoupling(shape, clamp, divisor, reverse);
        for (DType type : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor[] o = operands(type, image, 7);
            Tensor[] fused = op.apply(o[0], o[1], o[2]);
            Tensor[] expected = composed(shape, clamp, divisor, reverse, o[0], o[1], o[2]);
            double tol = type == DType.FLOAT64 ? 1e-13 : 2e-6;
            assertThat(fused[0].shape()).containsExactly(o[0].shape());
            assertThat(fused[1].shape()).containsExactly(o[0].size(0));
            assertThat(fused[0].allClose(expected[0], tol, tol)).as("%s y", type).isTrue();
            assertThat(fused[1].allClose(expected[1], tol, tol)).as("%s log-det", type).isTrue();
            assertThat(expected[1].abs().min().item()).as("a non-trivial log-det").isGreaterThan(0.1);
        }
        Tensor[] o = operands(DType.FLOAT64, image, 8);
        CHECK2.verify(in -> both(op.apply(in[0], in[1], in[2])), o[0].detach().requiresGrad(true),
                o[1].detach().requiresGrad(true), o[2].detach().requiresGrad(true));
    }

    @ParameterizedTest
    @CsvSource({"ATAN,false", "TANH,true", "SIGMOID,false"})
    void backwardEqualsTheComposedOpsBackward(Shape shape, boolean reverse) {
        Tensor[] o = operands(DType.FLOAT64, true, 9);
        Tensor gy = Tensors.randn(new Rng(10), DType.FLOAT64, o[0].shape());
        Tensor gl = Tensors.randn(new Rng(11), DType.FLOAT64, o[0].size(0));
        Tensor[] fusedGrads = grads(true, shape, reverse, o, gy, gl);
        Tensor[] composedGrads = grads(false, shape, reverse, o, gy, gl);
        for (int i = 0; i < 3; i++) {
            assertThat(fusedGrads[i].allClose(composedGrads[i], 1e-12, 1e-12)).as("gradient %d", i).isTrue();
        }
    }

    private static Tensor[] grads(boolean fused, Shape shape, boolean reverse, Tensor[] o, Tensor gy, Tensor gl) {
        Tensor[] leaves = {o[0].detach().requiresGrad(true), o[1].detach().requiresGrad(true),
            o[2].detach().requiresGrad(true)};
        Tensor[] r = fused ? new FusedAffineCoupling(shape, 1.3, 1.0, reverse).apply(leaves)
                : composed(shape, 1.3, 1.0, reverse, leaves[0], leaves[1], leaves[2]);
        r[0].mul(gy).sum().add(r[1].mul(gl).sum()).backward();
        return new Tensor[] {leaves[0].grad(), leaves[1].grad(), leaves[2].grad()};
    }

    @ParameterizedTest
    @CsvSource({"ATAN", "TANH"})
    void operandsOfAnotherShapeOrDtypeAreRejected(Shape shape) {
        FusedAffineCoupling op = new FusedAffineCoupling(shape, 1, 1, false);
        Tensor x = Tensors.zeros(DType.FLOAT64, 2, 3);
        assertThatThrownBy(() -> op.apply(x, Tensors.zeros(DType.FLOAT64, 2, 4), x))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FusedAffineCoupling: raw is float64[2, 4], expected x's float64[2, 3]");
        assertThatThrownBy(() -> op.apply(x, x, Tensors.zeros(DType.FLOAT32, 2, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("FusedAffineCoupling: shift is float32[2, 3], expected x's float64[2, 3]");
    }
}
