package dev.jinn.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Function;
import dev.jinn.autograd.FunctionContext;
import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradCheck;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

class GradCheckTest {
    private static Tensor randn(long seed, int... shape) {
        return Tensors.randn(new Rng(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    /** x^3 with the gradient of each element scaled by {@code factors} (all ones: correct). */
    static final class ScaledCube extends Function {
        private final double[] factors;

        ScaledCube(double... factors) {
            this.factors = factors;
        }

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return new Tensor[] {in[0].pow(3.0)};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            Tensor x = ctx.savedTensors().get(0);
            return new Tensor[] {grad[0].mul(x.square()).mul(3.0).mul(Tensors.of(factors))};
        }
    }

    /** x^3 whose backward is numerically right but computed on detached tensors: not differentiable. */
    static final class DetachedCube extends Function {
        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return new Tensor[] {in[0].pow(3.0)};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            Tensor x = ctx.savedTensors().get(0).detach();
            return new Tensor[] {grad[0].detach().mul(x.square().mul(3.0))};
        }
    }

    @Test
    void passesOnCorrectFunctions() {
        Tensor x = randn(1, 3, 4);
        Tensor w = randn(2, 4, 2);
        Tensor c = Tensors.randn(new Rng(3), DType.FLOAT64, 3, 2); // not checked: needs no gradient
        GradCheck.check(in -> in[0].matmul(in[1]).tanh().mul(in[2]), x, w, c);
        GradCheck.check(in -> in[0].exp().sum(1).log(), x);
        GradCheck.check(in -> new ScaledCube(1, 1, 1).applyOne(in[0]), randn(4, 3));
        assertThat(x.grad()).as("checking touches no grad").isNull();
        assertThat(w.grad()).isNull();
    }

    @Test
    void secondOrderPassesOnCorrectFunctions() {
        Tensor x = randn(5, 2, 3);
        Tensor w = randn(6, 3);
        GradCheck.defaults().secondOrder(true).verify(in -> in[0].mul(in[1]).sin().sum(1), x, w);
        GradCheck.defaults().secondOrder(true).verify(in -> new ScaledCube(1, 1, 1).applyOne(in[0]), randn(7, 3));
        Tensor data = Tensors.randn(new Rng(16), DType.FLOAT64, 4, 2);
        GradCheck.withTolerances(1e-7, 1e-6).secondOrder(true)
                .verify(in -> data.matmul(in[0]).tanh().square().sum(), randn(17, 2, 3));
    }

    @Test
    void passesOnNonContiguousInputs() {
        Tensor x = Tensors.randn(new Rng(8), DType.FLOAT64, 4, 3).t().requiresGrad(true);
        assertThat(x.isContiguous()).isFalse();
        GradCheck.defaults().secondOrder(true).verify(in -> in[0].square().cumsum(1), x);
    }

    @Test
    void failsOnAWrongBackwardNamingInputAndElement() {
        Tensor a = Tensors.of(new double[] {0.5, -1.0, 2.0}).requiresGrad(true);
        Tensor b = Tensors.of(new double[] {1.5, 0.7, -0.3}).requiresGrad(true);
        // the gradient of input 1 is doubled at element 1 only
        GradCheck.TensorFn fn = in -> in[0].add(new ScaledCube(1, 2, 1).applyOne(in[1]));
        assertThatThrownBy(() -> GradCheck.check(fn, a, b))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("d output[1] / d input 1[1]")
                .hasMessageContaining("analytic 2.9") // 2 * 3 * 0.7^2 = 2.94
                .hasMessageContaining("numeric 1.4") // 3 * 0.7^2 = 1.47
                .hasMessageContaining("input shape [3]");
    }

    @Test
    void failsWhenAPathIsWronglyDetached() {
        Tensor x = randn(9, 3);
        assertThatThrownBy(() -> GradCheck.check(in -> in[0].detach().exp().add(in[0]), x))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("input 0[0]");
    }

    @Test
    void toleranceDecidesAboutSmallErrors() {
        Tensor x = Tensors.of(new double[] {1.0, 2.0}).requiresGrad(true);
        GradCheck.TensorFn slightlyOff = in -> new ScaledCube(1 + 1e-4, 1 + 1e-4).applyOne(in[0]);
        assertThatCode(() -> GradCheck.check(slightlyOff, x)).doesNotThrowAnyException();
        assertThatThrownBy(() -> GradCheck.withTolerances(1e-9, 1e-6).verify(slightlyOff, x))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("rtol 1.0E-6");
    }

    @Test
    void secondOrderCatchesABackwardThatIsNotDifferentiable() {
        Tensor x = randn(10, 3);
        GradCheck.TensorFn fn = in -> new DetachedCube().applyOne(in[0]);
        assertThatCode(() -> GradCheck.check(fn, x)).as("first order is right").doesNotThrowAnyException();
        assertThatThrownBy(() -> GradCheck.defaults().secondOrder(true).verify(fn, x))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("second order")
                .hasMessageContaining("input 0[");
    }

    @Test
    void secondOrderCatchesAWrongDerivativeOfTheBackward() {
        // first derivative right, second derivative wrong: the backward uses x * detach(x) for x^2, which has
        // the right value but the derivative x instead of 2x
        Function wrongSecond = new Function() {
            @Override
            protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
                ctx.saveForBackward(in[0]);
                return new Tensor[] {in[0].pow(3.0)};
            }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
                Tensor x = ctx.savedTensors().get(0);
                Tensor sq = x.mul(x.detach());
                return new Tensor[] {grad[0].mul(sq).mul(3.0)};
            }
        };
        Tensor x = Tensors.of(new double[] {0.8, -1.3}).requiresGrad(true);
        GradCheck.TensorFn fn = in -> wrongSecond.applyOne(in[0]);
        assertThatCode(() -> GradCheck.check(fn, x)).doesNotThrowAnyException();
        assertThatThrownBy(() -> GradCheck.defaults().secondOrder(true).verify(fn, x))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("second order");
    }

    @Test
    void rejectsFloat32Inputs() {
        Tensor x = Tensors.of(new float[] {1f, 2f}).requiresGrad(true);
        assertThatThrownBy(() -> GradCheck.check(in -> in[0].exp(), x))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 0")
                .hasMessageContaining("float32")
                .hasMessageContaining("float64");
    }

    @Test
    void rejectsFloat32Outputs() {
        Tensor x = randn(11, 2);
        assertThatThrownBy(() -> GradCheck.check(in -> in[0].to(DType.FLOAT32), x))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("float32");
    }

    @Test
    void rejectsWhenNoInputRequiresGrad() {
        Tensor c = Tensors.of(new double[] {1.0, 2.0});
        assertThatThrownBy(() -> GradCheck.check(in -> in[0].exp(), c))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no input requires a gradient");
    }

    @Test
    void checksFunctionsThatDifferentiateInternally() {
        // a gradient penalty as a function of the weights: ||d/dx sum(tanh(x W))||^2
        Tensor x = randn(13, 3, 2);
        Tensor w = randn(14, 2, 2);
        GradCheck.TensorFn penalty = in -> {
            Tensor gx = Grad.grad(in[0].matmul(in[1]).tanh().sum(), in[0], true);
            return gx.square().sum();
        };
        GradCheck.check(penalty, x, w);
        // and the check still has teeth there: a wrong rule applied to the inner gradient is caught
        GradCheck.TensorFn wrong = in -> {
            Tensor gx = Grad.grad(in[0].matmul(in[1]).tanh().sum(), in[0], true);
            return new ScaledCube(1, 1, 1, 1, 2, 1).applyOne(gx.reshape(-1)).sum();
        };
        assertThatThrownBy(() -> GradCheck.check(wrong, x, w)).isInstanceOf(AssertionError.class);
    }

    @Test
    void worksInsideADisabledScope() {
        Tensor x = randn(15, 3);
        try (var g = Grad.disabled()) {
            GradCheck.defaults().secondOrder(true).verify(in -> in[0].sin().mul(in[0]), x);
            assertThatThrownBy(() -> GradCheck.check(in -> new ScaledCube(1, 1, 3).applyOne(in[0]), x))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("input 0[2]");
            assertThat(Grad.isEnabled()).isFalse();
        }
    }

    @Test
    void aConstantFunctionHasZeroDerivatives() {
        Tensor x = randn(12, 3);
        GradCheck.defaults().secondOrder(true).verify(in -> Tensors.ones(DType.FLOAT64, 2), x);
    }

    @Test
    void aTensorPassedAtTwoPositionsIsCheckedAsOneVariable() {
        Tensor x = Tensors.of(new double[] {0.3, -1.2, 2.0}).requiresGrad(true);
        // f(a, b) = sum(a * sin(b)) with a = b = x: df/dx = sin(x) + x cos(x) at both positions.
        GradCheck.check(in -> in[0].mul(in[1].sin()).sum(), x, x);
    }
}
