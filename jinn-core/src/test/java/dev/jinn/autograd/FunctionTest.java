package dev.jinn.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Function;
import dev.jinn.autograd.FunctionContext;
import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradCheck;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import dev.jinn.tensor.ValuesIndices;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FunctionTest {
    private static Tensor leaf(double... values) {
        return Tensors.of(values).requiresGrad(true);
    }

    /** y = x^3 with a backward written in tensor ops on the saved input (so it is twice differentiable). */
    static final class Cube extends Function {
        FunctionContext lastCtx;
        boolean recordingInForward = true;

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            lastCtx = ctx;
            recordingInForward = Grad.isEnabled();
            ctx.saveForBackward(in[0]);
            ctx.put("note", "kept");
            return new Tensor[] {in[0].square().mul(in[0])};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            Tensor x = ctx.savedTensors().get(0);
            return new Tensor[] {grad[0].mul(x.square()).mul(3.0)};
        }
    }

    @Test
    void singleOutputFunctionGivesItsGradient() {
        Tensor x = leaf(1.0, -2.0, 0.5);
        Cube cube = new Cube();
        Tensor y = cube.applyOne(x);
        assertThat(cube.recordingInForward).as("forward runs with recording off").isFalse();
        assertThat(y.toDoubleArray()).containsExactly(new double[] {1.0, -8.0, 0.125}, within(1e-15));
        assertThat(y.gradFnName()).isEqualTo("CubeBackward");
        assertThat(y.requiresGrad()).isTrue();
        y.sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {3.0, 12.0, 0.75}, within(1e-15));
    }

    @Test
    void functionBackwardInTensorOpsSupportsDoubleBackward() {
        Tensor x = Tensors.randn(new Rng(4), DType.FLOAT64, 2, 3).requiresGrad(true);
        GradCheck.defaults().secondOrder(true).verify(in -> new Cube().applyOne(in[0]), x);
        // and against the closed form: d2/dx2 x^3 = 6x
        Tensor d1 = Grad.grad(new Cube().applyOne(x).sum(), x, true);
        Tensor d2 = Grad.grad(d1.sum(), x, false);
        assertThat(d2.toDoubleArray()).containsExactly(x.mul(6.0).toDoubleArray(), within(1e-12));
    }

    @Test
    void savedStateIsFreedAfterBackwardWithoutRetainGraph() {
        Tensor x = leaf(2.0);
        Cube cube = new Cube();
        Tensor y = cube.applyOne(x); // one element: backward needs no seed
        FunctionContext ctx = cube.lastCtx;
        assertThat(ctx.savedTensors()).hasSize(1);
        assertThat(ctx.<String>get("note")).isEqualTo("kept");
        y.backward();
        assertThatThrownBy(ctx::savedTensors)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("CubeBackward")
                .hasMessageContaining("freed")
                .hasMessageContaining("retainGraph");
        assertThat(ctx.<String>get("note")).as("other saved values are dropped too").isNull();
        assertThatThrownBy(y::backward)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time")
                .hasMessageContaining("CubeBackward")
                .hasMessageContaining("retainGraph");
        assertThat(x.grad().item()).isEqualTo(12.0);
    }

    @Test
    void savedStateSurvivesBackwardWithRetainGraph() {
        Tensor x = leaf(2.0);
        Cube cube = new Cube();
        Tensor y = cube.applyOne(x).sum();
        y.backward(null, true);
        assertThat(cube.lastCtx.savedTensors()).hasSize(1);
        y.backward();
        assertThat(x.grad().item()).isEqualTo(24.0);
        assertThatThrownBy(cube.lastCtx::savedTensors).isInstanceOf(IllegalStateException.class);
    }

    /** Returns (sin x, cos x) and records the gradients it receives. */
    static final class SinCos extends Function {
        final List<Tensor[]> received = new ArrayList<>();

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            ctx.saveForBackward(in[0]);
            return new Tensor[] {in[0].sin(), in[0].cos()};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            received.add(grad.clone());
            Tensor x = ctx.savedTensors().get(0);
            return new Tensor[] {grad[0].mul(x.cos()).sub(grad[1].mul(x.sin()))};
        }
    }

    @Test
    void multipleOutputsCombineTheirGradients() {
        double[] xs = {0.3, 1.7};
        Tensor x = leaf(xs);
        SinCos f = new SinCos();
        Tensor[] out = f.apply(x);
        assertThat(out).hasSize(2);
        assertThat(out[0].gradFnName()).isEqualTo("SinCosBackward");
        assertThat(out[1].gradFnName()).isEqualTo("SinCosBackward");
        // L = sum(2 sin x + 3 cos x): dL/dx = 2 cos x - 3 sin x ; backward runs once with both gradients
        out[0].mul(2.0).add(out[1].mul(3.0)).sum().backward();
        assertThat(f.received).hasSize(1);
        for (int i = 0; i < xs.length; i++) {
            assertThat(x.grad().toDoubleArray()[i])
                    .isCloseTo(2 * Math.cos(xs[i]) - 3 * Math.sin(xs[i]), within(1e-14));
        }
    }

    @Test
    void unusedOutputsReceiveZeroGradients() {
        Tensor x = Tensors.of(new double[] {0.1, 0.2, 0.3, 0.4}, 2, 2).requiresGrad(true);
        SinCos f = new SinCos();
        Tensor[] out = f.apply(x);
        out[0].sum().backward();
        Tensor[] got = f.received.get(0);
        assertThat(got).hasSize(2);
        assertThat(got[1].shape()).containsExactly(2, 2);
        assertThat(got[1].dtype()).isEqualTo(DType.FLOAT64);
        assertThat(got[1].toDoubleArray()).containsOnly(0.0);
        assertThat(got[0].toDoubleArray()).containsOnly(1.0);
        assertThat(x.grad().allClose(x.cos(), 0, 1e-15)).isTrue();
    }

    /** x * c where c may or may not need a gradient; records needsInputGrad. */
    static final class Scale extends Function {
        boolean[] needs;

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            needs = new boolean[] {ctx.needsInputGrad(0), ctx.needsInputGrad(1), ctx.needsInputGrad(2)};
            ctx.saveForBackward(in[0], in[1]);
            return new Tensor[] {in[0].mul(in[1])};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            Tensor x = ctx.savedTensors().get(0);
            Tensor c = ctx.savedTensors().get(1);
            return new Tensor[] {
                ctx.needsInputGrad(0) ? grad[0].mul(c) : null,
                ctx.needsInputGrad(1) ? grad[0].mul(x) : null};
        }
    }

    /** x * w (+ b when given): saves an optional tensor that may be null. */
    static final class OptionalBias extends Function {
        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            Tensor b = in.length > 2 ? in[2] : null;
            ctx.saveForBackward(in[0], in[1], b);
            Tensor y = in[0].mul(in[1]);
            return new Tensor[] {b == null ? y : y.add(b)};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            List<Tensor> s = ctx.savedTensors();
            Tensor gx = grad[0].mul(s.get(1));
            Tensor gw = grad[0].mul(s.get(0));
            return s.get(2) == null ? new Tensor[] {gx, gw} : new Tensor[] {gx, gw, grad[0]};
        }
    }

    @Test
    void savedTensorsMayIncludeNull() {
        Tensor x = leaf(2.0);
        Tensor w = leaf(5.0);
        new OptionalBias().applyOne(x, w).backward();
        assertThat(x.grad().item()).isEqualTo(5.0);
        Tensor b = leaf(1.0);
        new OptionalBias().applyOne(x, w, b).backward();
        assertThat(b.grad().item()).isEqualTo(1.0);
        assertThat(w.grad().item()).isEqualTo(4.0);
    }

    @Test
    void needsInputGradTellsWhichInputsWantAGradient() {
        Tensor x = leaf(2.0, 3.0);
        Tensor c = Tensors.of(new double[] {5.0, 7.0});
        Scale f = new Scale();
        f.applyOne(x, c).sum().backward();
        assertThat(f.needs).containsExactly(true, false, false);
        assertThat(new FunctionContext("probe").needsInputGrad(-1)).isFalse();
        assertThat(x.grad().toDoubleArray()).containsExactly(5.0, 7.0);
        assertThat(c.grad()).isNull();

        Tensor w = leaf(5.0, 7.0);
        Scale g = new Scale();
        g.applyOne(Tensors.of(new double[] {2.0, 3.0}), w).sum().backward();
        assertThat(g.needs).containsExactly(false, true, false);
        assertThat(w.grad().toDoubleArray()).containsExactly(2.0, 3.0);

        Scale h = new Scale();
        try (var off = Grad.disabled()) {
            h.applyOne(x, w);
        }
        assertThat(h.needs).containsExactly(false, false, false);
    }

    @Test
    void withoutTrackedInputsOrInsideDisabledNothingIsRecorded() {
        Tensor c = Tensors.of(new double[] {1.0, 2.0});
        Tensor y = new Cube().applyOne(c);
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.gradFnName()).isNull();
        assertThat(y.toDoubleArray()).containsExactly(1.0, 8.0);

        Tensor x = leaf(1.0);
        try (var g = Grad.disabled()) {
            Tensor z = new Cube().applyOne(x);
            assertThat(z.requiresGrad()).isFalse();
        }
    }

    /** Returns its input as it is. */
    static final class Identity extends Function {
        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            return new Tensor[] {in[0], in[0]};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            return new Tensor[] {grad[0].add(grad[1].mul(10.0))};
        }
    }

    @Test
    void returningAnInputUnchangedStillWorks() {
        Tensor x = leaf(1.0, 2.0);
        Tensor h = x.exp();
        Tensor[] out = new Identity().apply(h);
        assertThat(out[0]).isNotSameAs(h);
        assertThat(out[1]).isNotSameAs(h).isNotSameAs(out[0]);
        assertThat(h.gradFnName()).as("the input keeps its own history").isEqualTo("ExpBackward");
        assertThat(out[0].gradFnName()).isEqualTo("IdentityBackward");
        assertThat(out[0].toDoubleArray()).containsExactly(h.toDoubleArray());
        out[0].add(out[1]).sum().backward();
        // d/dx of (1 + 10) * exp(x), through the function's own rule
        assertThat(x.grad().toDoubleArray())
                .containsExactly(new double[] {11 * Math.E, 11 * Math.exp(2.0)}, within(1e-12));

        Tensor leafX = leaf(4.0);
        Tensor y = new Identity().apply(leafX)[0];
        assertThat(leafX.isLeaf()).isTrue();
        y.sum().backward();
        assertThat(leafX.grad().item()).isEqualTo(1.0);
    }

    @Test
    void wrongNumberOfGradientsIsAClearError() {
        Function f = new Function() {
            @Override
            protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
                return new Tensor[] {in[0].add(in[1])};
            }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
                return new Tensor[] {grad[0]};
            }
        };
        Tensor y = f.applyOne(leaf(1.0), leaf(2.0)).sum();
        assertThatThrownBy(y::backward)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("FunctionBackward")
                .hasMessageContaining("1 gradients")
                .hasMessageContaining("2 inputs");
    }

    static final class BadShape extends Function {
        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            return new Tensor[] {in[0].sum()};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            return new Tensor[] {Tensors.ones(DType.FLOAT64, 3)};
        }
    }

    @Test
    void wrongGradientShapeIsAClearErrorNamingTheFunction() {
        Tensor y = new BadShape().applyOne(Tensors.zeros(DType.FLOAT64, 2, 2).requiresGrad(true));
        assertThatThrownBy(y::backward)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("BadShapeBackward")
                .hasMessageContaining("[3]")
                .hasMessageContaining("[2, 2]");
    }

    @Test
    void aCustomNameIsShownAsGradFn() {
        Function f = new Function() {
            @Override
            public String name() {
                return "MyOpBackward";
            }

            @Override
            protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
                return new Tensor[] {in[0].neg()};
            }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
                return new Tensor[] {grad[0].neg()};
            }
        };
        Tensor y = f.applyOne(leaf(1.0));
        assertThat(y.gradFnName()).isEqualTo("MyOpBackward");
        assertThat(y.toString()).contains("MyOpBackward");
    }

    @Test
    void forwardMustReturnOutputsAndApplyOneExactlyOne() {
        Function none = new Function() {
            @Override
            protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
                return new Tensor[0];
            }

            @Override
            protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
                return new Tensor[0];
            }
        };
        assertThatThrownBy(() -> none.apply(leaf(1.0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("at least one");
        assertThatThrownBy(() -> new SinCos().applyOne(leaf(1.0)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("SinCosBackward")
                .hasMessageContaining("2");
    }

    /**
     * Gradient checkpointing: forward keeps only the inputs, backward re-runs the wrapped computation with
     * recording on and differentiates it with a nested {@link Grad#grad}.
     */
    static final class Checkpoint extends Function {
        private final GradCheck.TensorFn body;
        int recomputations;

        Checkpoint(GradCheck.TensorFn body) {
            this.body = body;
        }

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            ctx.saveForBackward(in);
            return new Tensor[] {body.apply(in)};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            recomputations++;
            List<Tensor> saved = ctx.savedTensors();
            Tensor[] fresh = new Tensor[saved.size()];
            for (int i = 0; i < fresh.length; i++) {
                fresh[i] = saved.get(i).detach().requiresGrad(true);
            }
            Tensor out;
            try (var on = Grad.enabled()) {
                out = body.apply(fresh);
            }
            return Grad.grad(List.of(out), List.of(fresh), List.of(grad[0]), false).toArray(new Tensor[0]);
        }
    }

    @Test
    void checkpointingWithANestedGradMatchesDirectBackward() {
        Rng rng = new Rng(30);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 4, 3).requiresGrad(true);
        Tensor w = Tensors.randn(rng, DType.FLOAT64, 3, 3).requiresGrad(true);
        GradCheck.TensorFn block = in -> in[0].matmul(in[1]).tanh().matmul(in[1]).sin();
        Checkpoint cp = new Checkpoint(block);
        Tensor viaCheckpoint = cp.applyOne(x, w).square().sum();
        viaCheckpoint.backward();
        assertThat(cp.recomputations).isEqualTo(1);
        assertThat(Grad.isEnabled()).isTrue();
        double[] gx = x.grad().toDoubleArray();
        double[] gw = w.grad().toDoubleArray();
        x.zeroGrad();
        w.zeroGrad();
        block.apply(new Tensor[] {x, w}).square().sum().backward();
        assertThat(gx).containsExactly(x.grad().toDoubleArray(), within(1e-14));
        assertThat(gw).containsExactly(w.grad().toDoubleArray(), within(1e-14));
    }

    /** Doubles a float32 input but hands back a float64 gradient. */
    static final class WideGrad extends Function {
        DType received;

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            return new Tensor[] {in[0].mul(2.0)};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            received = grad[0].dtype();
            return new Tensor[] {grad[0].to(DType.FLOAT64).mul(2.0)};
        }
    }

    @Test
    void gradientsTakeTheDtypeOfWhatTheyFlowInto() {
        Tensor x = Tensors.of(new float[] {1f, 2f}).requiresGrad(true);
        WideGrad f = new WideGrad();
        Tensor y = f.applyOne(x.exp());
        assertThat(y.dtype()).isEqualTo(DType.FLOAT32);
        Tensor g = Grad.grad(List.of(y), List.of(x), List.of(Tensors.ones(DType.FLOAT64, 2)), false).get(0);
        assertThat(f.received).as("a float64 seed for a float32 output arrives as float32").isEqualTo(DType.FLOAT32);
        assertThat(g.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(g.toFloatArray()).containsExactly((float) (2 * Math.E), (float) (2 * Math.exp(2)));
    }

    /** (max over the last dim, its index): the index output is an integer tensor and carries no gradient. */
    static final class MaxWithIndex extends Function {
        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            ValuesIndices m = in[0].max(1, false);
            ctx.saveForBackward(m.indices());
            ctx.put("shape", in[0].shape());
            return new Tensor[] {m.values(), m.indices()};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            int[] shape = ctx.get("shape");
            Tensor idx = ctx.savedTensors().get(0).unsqueeze(1);
            return new Tensor[] {Tensors.zeros(grad[0].dtype(), shape).scatterAdd(1, idx, grad[0].unsqueeze(1))};
        }
    }

    @Test
    void integerOutputsAreNotTracked() {
        Tensor x = Tensors.of(new double[] {1, 5, 2, 9, 0, 3}, 2, 3).requiresGrad(true);
        Tensor[] out = new MaxWithIndex().apply(x);
        assertThat(out[1].dtype()).isEqualTo(DType.INT64);
        assertThat(out[1].requiresGrad()).isFalse();
        assertThat(out[0].requiresGrad()).isTrue();
        out[0].mul(Tensors.of(new double[] {2, 3})).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(0, 2, 0, 3, 0, 0);
    }

    /**
     * An affine coupling y1 = x1, y2 = x2 * exp(tanh(a x1)) + b x1 whose backward keeps only the outputs and
     * recomputes x2 from the inverse, x2 = (y2 - b y1) * exp(-tanh(a y1)), instead of storing the input.
     */
    static final class RecomputingCoupling extends Function {
        FunctionContext lastCtx;

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            Tensor x1 = in[0];
            Tensor x2 = in[1];
            Tensor a = in[2];
            Tensor b = in[3];
            Tensor y1 = x1.copy();
            Tensor y2 = x2.mul(a.mul(x1).tanh().exp()).add(b.mul(x1));
            ctx.saveForBackward(y1, y2, a, b);
            lastCtx = ctx;
            return new Tensor[] {y1, y2};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            List<Tensor> saved = ctx.savedTensors();
            Tensor y1 = saved.get(0);
            Tensor y2 = saved.get(1);
            Tensor a = saved.get(2);
            Tensor b = saved.get(3);
            Tensor s = a.mul(y1).tanh();
            Tensor e = s.exp();
            Tensor x2 = y2.sub(b.mul(y1)).div(e); // recomputed from the inverse
            Tensor g1 = grad[0];
            Tensor g2 = grad[1];
            Tensor ds = g2.mul(x2).mul(e).mul(s.square().neg().add(1.0)); // dL/d(a x1)
            return new Tensor[] {
                g1.add(ds.mul(a)).add(g2.mul(b)),
                g2.mul(e),
                ctx.needsInputGrad(2) ? ds.mul(y1).sum(0) : null,
                ctx.needsInputGrad(3) ? g2.mul(y1).sum(0) : null};
        }
    }

    @Test
    void recomputingTheInputFromTheInverseGivesCorrectGradients() {
        Rng rng = new Rng(21);
        Tensor x1 = Tensors.randn(rng, DType.FLOAT64, 3, 2).requiresGrad(true);
        Tensor x2 = Tensors.randn(rng, DType.FLOAT64, 3, 2).requiresGrad(true);
        Tensor a = Tensors.randn(rng, DType.FLOAT64, 2).requiresGrad(true);
        Tensor b = Tensors.randn(rng, DType.FLOAT64, 2).requiresGrad(true);
        RecomputingCoupling probe = new RecomputingCoupling();
        probe.apply(x1, x2, a, b);
        for (Tensor saved : probe.lastCtx.savedTensors()) {
            assertThat(saved).as("only outputs and parameters are kept").isNotSameAs(x1).isNotSameAs(x2);
        }
        GradCheck.TensorFn f = in -> {
            Tensor[] y = new RecomputingCoupling().apply(in);
            // weigh the outputs differently so that both gradients matter
            return y[0].mul(0.7).add(y[1].sin()).sum(1);
        };
        GradCheck.defaults().secondOrder(true).verify(f, x1, x2, a, b);
    }

    @Test
    void recomputingCouplingMatchesTheSameMapBuiltFromOps() {
        Rng rng = new Rng(22);
        Tensor x1 = Tensors.randn(rng, DType.FLOAT64, 4, 3).requiresGrad(true);
        Tensor x2 = Tensors.randn(rng, DType.FLOAT64, 4, 3).requiresGrad(true);
        Tensor a = Tensors.randn(rng, DType.FLOAT64, 3).requiresGrad(true);
        Tensor b = Tensors.randn(rng, DType.FLOAT64, 3).requiresGrad(true);
        Tensor[] y = new RecomputingCoupling().apply(x1, x2, a, b);
        Tensor reference = x2.mul(a.mul(x1).tanh().exp()).add(b.mul(x1));
        assertThat(y[1].allClose(reference, 0, 1e-15)).isTrue();
        List<Tensor> viaFunction = Grad.grad(List.of(y[1].square().sum()), List.of(x1, x2, a, b), null, false);
        List<Tensor> viaOps = Grad.grad(List.of(reference.square().sum()), List.of(x1, x2, a, b), null, false);
        for (int i = 0; i < 4; i++) {
            assertThat(viaFunction.get(i).allClose(viaOps.get(i), 1e-12, 1e-12)).as("input %d", i).isTrue();
        }
    }
}
