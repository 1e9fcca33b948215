package dev.jinn.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Function;
import dev.jinn.autograd.FunctionContext;
import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GradApiTest {
    private static Tensor leaf(double... values) {
        return Tensors.of(values).requiresGrad(true);
    }

    // ---- recording scopes

    @Test
    void nothingIsRecordedInsideDisabled() {
        Tensor x = leaf(1.0, 2.0);
        Tensor y;
        try (var g = Grad.disabled()) {
            assertThat(Grad.isEnabled()).isFalse();
            y = x.exp().mul(x).sum();
        }
        assertThat(Grad.isEnabled()).isTrue();
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.isLeaf()).isTrue();
        assertThat(y.gradFnName()).isNull();
        assertThatThrownBy(y::backward).isInstanceOf(IllegalStateException.class);
        // the values are the same as with recording on
        assertThat(y.item()).isCloseTo(x.exp().mul(x).sum().item(), within(0.0));
    }

    @Test
    void leavesCanBeMarkedInsideDisabledAndRecordAfterwards() {
        Tensor x;
        try (var g = Grad.disabled()) {
            x = leaf(3.0);
            assertThat(x.square().requiresGrad()).isFalse();
        }
        x.square().sum().backward();
        assertThat(x.grad().item()).isEqualTo(6.0);
    }

    @Test
    void nestedScopesRestoreTheEnclosingMode() {
        Tensor x = leaf(1.0);
        try (var outer = Grad.disabled()) {
            try (var inner = Grad.disabled()) {
                assertThat(x.neg().requiresGrad()).isFalse();
            }
            assertThat(Grad.isEnabled()).as("still inside the outer disabled scope").isFalse();
            try (var on = Grad.enabled()) {
                assertThat(Grad.isEnabled()).isTrue();
                Tensor y = x.neg();
                assertThat(y.requiresGrad()).isTrue();
                assertThat(y.gradFnName()).isEqualTo("NegBackward");
                y.sum().backward();
                try (var off = Grad.disabled()) {
                    assertThat(x.neg().requiresGrad()).isFalse();
                }
                assertThat(Grad.isEnabled()).isTrue();
            }
            assertThat(Grad.isEnabled()).isFalse();
            assertThat(x.neg().requiresGrad()).isFalse();
        }
        assertThat(Grad.isEnabled()).isTrue();
        assertThat(x.grad().item()).isEqualTo(-1.0);
    }

    @Test
    void aScopeIsRestoredWhenItsBodyThrows() {
        assertThatThrownBy(() -> {
            try (var g = Grad.disabled()) {
                throw new IllegalStateException("boom");
            }
        }).hasMessage("boom");
        assertThat(Grad.isEnabled()).isTrue();
    }

    @Test
    void recordingModeIsPerThread() throws Exception {
        Tensor x = leaf(1.0, 2.0);
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch insideScope = new CountDownLatch(1);
            CountDownLatch checked = new CountDownLatch(1);
            // the other thread sits inside a disabled scope while this thread keeps recording
            Future<Boolean> otherRecorded = other.submit(() -> {
                try (var g = Grad.disabled()) {
                    insideScope.countDown();
                    checked.await(10, TimeUnit.SECONDS);
                    return x.exp().requiresGrad();
                }
            });
            assertThat(insideScope.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Grad.isEnabled()).isTrue();
            assertThat(x.exp().requiresGrad()).isTrue();
            checked.countDown();
            assertThat(otherRecorded.get(10, TimeUnit.SECONDS)).isFalse();

            // and the other way round: disabling here leaves the other thread recording
            try (var g = Grad.disabled()) {
                Future<Boolean> recorded = other.submit(() -> x.exp().requiresGrad());
                assertThat(recorded.get(10, TimeUnit.SECONDS)).isTrue();
                assertThat(x.exp().requiresGrad()).isFalse();
            }
        } finally {
            other.shutdownNow();
        }
    }

    @Test
    void backwardOnAnotherThreadAccumulatesThere() throws Exception {
        Tensor x = leaf(2.0);
        Tensor y = x.pow(3.0).sum();
        CompletableFuture.runAsync(y::backward).get(10, TimeUnit.SECONDS);
        assertThat(x.grad().item()).isCloseTo(12.0, within(1e-12));
    }

    // ---- Grad.grad: vector-Jacobian products

    @Test
    void gradGivesTheDerivativeWithoutTouchingGrad() {
        Tensor x = leaf(0.5, -1.5);
        Tensor y = x.square().mul(x).sum(); // x^3
        Tensor g = Grad.grad(y, x, false);
        assertThat(g.toDoubleArray()).containsExactly(new double[] {0.75, 6.75}, within(1e-12));
        assertThat(x.grad()).isNull();
        assertThat(g.requiresGrad()).as("createGraph=false gives plain values").isFalse();
    }

    @Test
    void gradWithExplicitGradOutputsIsAVectorJacobianProduct() {
        // y = A x for a 2x3 A; v^T dy/dx = A^T v
        Tensor a = Tensors.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Tensor x = leaf(0.1, 0.2, 0.3);
        Tensor y = a.matmul(x);
        Tensor v = Tensors.of(new double[] {10, -1});
        Tensor g = Grad.grad(List.of(y), List.of(x), List.of(v), false).get(0);
        assertThat(g.toDoubleArray()).containsExactly(new double[] {6, 15, 24}, within(1e-12));
    }

    @Test
    void gradOverSeveralOutputsAndInputsSumsTheProducts() {
        Tensor x = leaf(1.0, 2.0);
        Tensor w = leaf(3.0, -1.0);
        Tensor y1 = x.mul(w); // dy1/dx = w, dy1/dw = x
        Tensor y2 = x.square().sum(); // dy2/dx = 2x
        Tensor v1 = Tensors.of(new double[] {1.0, 2.0});
        List<Tensor> g = Grad.grad(List.of(y1, y2), List.of(x, w), List.of(v1, Tensors.scalar(0.5, DType.FLOAT64)),
                false);
        assertThat(g).hasSize(2);
        // x: v1 * w + 0.5 * 2x
        assertThat(g.get(0).toDoubleArray()).containsExactly(new double[] {3.0 + 1.0, -2.0 + 2.0}, within(1e-12));
        // w: v1 * x
        assertThat(g.get(1).toDoubleArray()).containsExactly(new double[] {1.0, 4.0}, within(1e-12));
        assertThat(x.grad()).isNull();
        assertThat(w.grad()).isNull();
    }

    @Test
    void inputsTheOutputsDoNotDependOnGetZeros() {
        Tensor x = leaf(1.0, 2.0);
        Tensor unused = Tensors.of(new float[] {7f, 8f, 9f}, 3, 1).requiresGrad(true);
        List<Tensor> g = Grad.grad(List.of(x.exp().sum()), List.of(x, unused), null, false);
        assertThat(g.get(1).shape()).containsExactly(3, 1);
        assertThat(g.get(1).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(g.get(1).toDoubleArray()).containsOnly(0.0);
        assertThat(g.get(0).toDoubleArray()).containsExactly(new double[] {Math.E, Math.exp(2)}, within(1e-12));
    }

    /** Identity that counts how often its backward runs. */
    private static final class Counting extends Function {
        int backwardCalls;

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            return new Tensor[] {in[0].copy()};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            backwardCalls++;
            return new Tensor[] {grad[0]};
        }
    }

    @Test
    void gradRunsOnlyThePartOfTheGraphThatLeadsToTheInputs() {
        Tensor x = leaf(1.0, 2.0);
        Tensor w = leaf(3.0, 4.0);
        Counting towardW = new Counting();
        Counting towardX = new Counting();
        Tensor y = towardX.applyOne(x).mul(towardW.applyOne(w)).sum();
        Tensor gx = Grad.grad(List.of(y), List.of(x), null, false, true).get(0);
        assertThat(gx.toDoubleArray()).containsExactly(3.0, 4.0);
        assertThat(towardX.backwardCalls).isEqualTo(1);
        assertThat(towardW.backwardCalls).as("the branch toward w is pruned").isZero();
        assertThat(w.grad()).isNull();
        // an intermediate target stops the walk: nothing below it runs
        Tensor h = towardX.applyOne(x);
        Grad.grad(h.square().sum(), h, false);
        assertThat(towardX.backwardCalls).isEqualTo(1);
        // the retained graph still backpropagates everywhere
        y.backward();
        assertThat(towardW.backwardCalls).isEqualTo(1);
        assertThat(w.grad().toDoubleArray()).containsExactly(1.0, 2.0);
        assertThat(x.grad().toDoubleArray()).containsExactly(3.0, 4.0);
    }

    @Test
    void closingAScopeTwiceChangesNothing() {
        Grad.Scope off = Grad.disabled();
        off.close();
        try (var alsoOff = Grad.disabled()) {
            off.close(); // a stray second close must not switch recording back on inside another scope
            assertThat(Grad.isEnabled()).isFalse();
        }
        assertThat(Grad.isEnabled()).isTrue();
    }

    @Test
    void gradWithRespectToAnIntermediateTensor() {
        // h = 2x, y = sum(h^2): dy/dh = 2h = 4x, and the leaf is not reached
        Tensor x = leaf(1.0, -3.0);
        Tensor h = x.mul(2.0);
        Tensor y = h.square().sum();
        List<Tensor> g = Grad.grad(List.of(y), List.of(h, x), null, false);
        assertThat(g.get(0).toDoubleArray()).containsExactly(new double[] {4.0, -12.0}, within(1e-12));
        assertThat(g.get(1).toDoubleArray()).containsExactly(new double[] {8.0, -24.0}, within(1e-12));
        assertThat(x.grad()).isNull();
    }

    @Test
    void gradOfAnOutputWithRespectToItselfIsTheSeed() {
        Tensor x = leaf(1.0, 2.0);
        Tensor y = x.exp();
        Tensor v = Tensors.of(new double[] {3.0, 4.0});
        assertThat(Grad.grad(List.of(y), List.of(y), List.of(v), false).get(0).toDoubleArray())
                .containsExactly(3.0, 4.0);
    }

    @Test
    void gradWithoutCreateGraphFreesTheGraph() {
        Tensor x = leaf(1.0);
        Tensor y = x.exp().sum();
        Grad.grad(y, x, false);
        assertThatThrownBy(() -> Grad.grad(y, x, false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time");
        Tensor z = x.exp().sum();
        Grad.grad(List.of(z), List.of(x), null, false, true);
        assertThat(Grad.grad(z, x, false).item()).isCloseTo(Math.E, within(1e-12));
    }

    @Test
    void gradRejectsAGradOutputOfTheWrongShape() {
        Tensor x = leaf(1.0, 2.0, 3.0);
        Tensor y = x.exp();
        assertThatThrownBy(() -> Grad.grad(List.of(y), List.of(x), List.of(Tensors.ones(DType.FLOAT64, 2)), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gradOutput 0")
                .hasMessageContaining("[2]")
                .hasMessageContaining("[3]");
        assertThatThrownBy(() -> Grad.grad(List.of(y), List.of(x), List.of(Tensors.ones(3), Tensors.ones(3)), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("2 gradOutputs for 1 outputs");
        assertThatThrownBy(() -> Grad.grad(y, x, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3]");
    }

    @Test
    void gradRejectsInputsThatDoNotRequireGrad() {
        Tensor x = leaf(1.0);
        Tensor c = Tensors.of(new double[] {2.0, 3.0});
        Tensor y = x.mul(c).sum();
        assertThatThrownBy(() -> Grad.grad(List.of(y), List.of(x, c), null, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 1")
                .hasMessageContaining("[2]")
                .hasMessageContaining("does not require a gradient");
    }

    @Test
    void gradRestoresTheRecordingModeEvenWhenBackwardFails() {
        Tensor x = leaf(1.0);
        Tensor y = new Failing().applyOne(x).sum();
        assertThatThrownBy(() -> Grad.grad(y, x, false)).hasMessageContaining("backward failed");
        assertThat(Grad.isEnabled()).isTrue();
        try (var g = Grad.disabled()) {
            Tensor z;
            try (var on = Grad.enabled()) {
                z = new Failing().applyOne(x).sum();
            }
            assertThatThrownBy(() -> Grad.grad(z, x, true)).hasMessageContaining("backward failed");
            assertThat(Grad.isEnabled()).isFalse();
        }
    }

    private static final class Failing extends Function {
        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            return new Tensor[] {in[0].mul(2.0)};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grad) {
            throw new IllegalStateException("backward failed");
        }
    }

    // ---- Grad.grad with createGraph: higher derivatives

    @Test
    void secondDerivativeOfSinTimesCube() {
        double[] xs = {-1.3, 0.2, 0.9, 2.5};
        Tensor x = leaf(xs);
        Tensor f = x.sin().mul(x.pow(3.0)).sum();
        Tensor d1 = Grad.grad(f, x, true);
        assertThat(d1.requiresGrad()).isTrue();
        Tensor d2 = Grad.grad(d1.sum(), x, false);
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            double first = Math.cos(v) * v * v * v + 3 * v * v * Math.sin(v);
            double second = -v * v * v * Math.sin(v) + 6 * v * v * Math.cos(v) + 6 * v * Math.sin(v);
            assertThat(d1.toDoubleArray()[i]).isCloseTo(first, within(1e-12));
            assertThat(d2.toDoubleArray()[i]).isCloseTo(second, within(1e-11));
        }
    }

    @Test
    void hessianVectorProductOfAQuadraticForm() {
        int n = 4;
        Rng rng = new Rng(11);
        Tensor a = Tensors.randn(rng, DType.FLOAT64, n, n);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, n).requiresGrad(true);
        double[] v = {0.5, -1.0, 2.0, 0.25};
        Tensor f = x.matmul(a.matmul(x)); // x^T A x
        Tensor g = Grad.grad(f, x, true); // (A + A^T) x
        Tensor hv = Grad.grad(List.of(g), List.of(x), List.of(Tensors.of(v)), false).get(0);
        double[] am = a.toDoubleArray();
        double[] xv = x.toDoubleArray();
        for (int i = 0; i < n; i++) {
            double gi = 0;
            double hvi = 0;
            for (int j = 0; j < n; j++) {
                double sym = am[i * n + j] + am[j * n + i];
                gi += sym * xv[j];
                hvi += sym * v[j];
            }
            assertThat(g.toDoubleArray()[i]).isCloseTo(gi, within(1e-12));
            assertThat(hv.toDoubleArray()[i]).isCloseTo(hvi, within(1e-12));
        }
    }

    @Test
    void thirdDerivativeOfExp() {
        Tensor x = leaf(-0.5, 0.0, 1.25);
        Tensor d1 = Grad.grad(x.exp().sum(), x, true);
        Tensor d2 = Grad.grad(d1.sum(), x, true);
        Tensor d3 = Grad.grad(d2.sum(), x, false);
        double[] expected = {Math.exp(-0.5), 1.0, Math.exp(1.25)};
        assertThat(d3.toDoubleArray()).containsExactly(expected, within(1e-12));
        assertThat(x.grad()).isNull();
    }

    @Test
    void gradientPenaltyBackpropagatesIntoParameters() {
        // penalty(w) = || d/dx sum(tanh(x W)) ||^2, differentiated w.r.t. W by backward through Grad.grad
        Rng rng = new Rng(7);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 3, 2).requiresGrad(true);
        double[] w0 = Tensors.randn(rng, DType.FLOAT64, 2, 4).toDoubleArray();
        Tensor w = Tensors.of(w0, 2, 4).requiresGrad(true);
        Tensor penalty = penalty(x, w);
        penalty.backward();
        assertThat(x.grad()).as("the penalty depends on x too").isNotNull();
        double[] analytic = w.grad().toDoubleArray();
        double eps = 1e-6;
        for (int j = 0; j < w0.length; j++) {
            double[] plus = w0.clone();
            double[] minus = w0.clone();
            plus[j] += eps;
            minus[j] -= eps;
            double numeric = (penaltyValue(x, plus) - penaltyValue(x, minus)) / (2 * eps);
            assertThat(analytic[j]).as("dP/dW[%d]", j).isCloseTo(numeric, within(1e-6 + 1e-5 * Math.abs(numeric)));
        }
    }

    private static Tensor penalty(Tensor x, Tensor w) {
        Tensor out = x.matmul(w).tanh().sum();
        Tensor gx = Grad.grad(out, x, true);
        return gx.square().sum();
    }

    private static double penaltyValue(Tensor x, double[] w) {
        Tensor wt = Tensors.of(w, 2, 4).requiresGrad(true);
        Tensor xt = x.detach().requiresGrad(true);
        Tensor gx = Grad.grad(xt.matmul(wt).tanh().sum(), xt, false);
        return gx.square().sum().item();
    }

    @Test
    void createGraphInsideADisabledScopeStillRecordsTheBackward() {
        Tensor x = leaf(2.0);
        Tensor y = x.pow(3.0).sum();
        try (var g = Grad.disabled()) {
            Tensor d1 = Grad.grad(y, x, true);
            assertThat(Grad.isEnabled()).isFalse();
            assertThat(d1.requiresGrad()).isTrue();
            // d1.sum() is computed with recording off: differentiating it is an error, not a silent zero
            assertThatThrownBy(() -> Grad.grad(d1.sum(), x, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no output requires a gradient");
            Tensor s;
            try (var on = Grad.enabled()) {
                s = d1.sum();
            }
            assertThat(Grad.grad(s, x, false).item()).isCloseTo(12.0, within(1e-12));
        }
    }

    @Test
    void gradOfUntrackedOutputsIsAnError() {
        Tensor x = leaf(1.0);
        Tensor c = Tensors.of(new double[] {4.0}).sum();
        assertThatThrownBy(() -> Grad.grad(c, x, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no output requires a gradient")
                .hasMessageContaining("Grad.disabled()");
        // one tracked output is enough; the untracked one contributes nothing
        Tensor y = x.mul(5.0).sum();
        List<Tensor> g = Grad.grad(List.of(c, y), List.of(x), null, false);
        assertThat(g.get(0).item()).isEqualTo(5.0);
    }

    @Test
    void rulesAreAskedOnlyForTheGradientsThePassWants() {
        Tensor a = Tensors.of(new double[] {1, 2}).requiresGrad(true);
        Tensor b = Tensors.of(new double[] {3, 4}).requiresGrad(true);
        List<String> asked = new java.util.ArrayList<>();
        Tensor y = Grad.record("Probe", a.detach().mul(b.detach()), (g, n) -> {
            asked.add(n.needs(0) + "," + n.needs(1));
            return new Tensor[] {n.needs(0) ? g.mul(b) : null, n.needs(1) ? g.mul(a) : null};
        }, a, b);
        Tensor ones = Tensors.onesLike(y);
        List<Tensor> ga = Grad.grad(List.of(y), List.of(a), List.of(ones), false, true);
        List<Tensor> gb = Grad.grad(List.of(y), List.of(b), List.of(ones), false, true);
        y.backward(ones);
        // Each vector-Jacobian product computes only its own input's gradient; backward wants both leaves.
        assertThat(asked).containsExactly("true,false", "false,true", "true,true");
        assertThat(ga.get(0).toDoubleArray()).containsExactly(3, 4);
        assertThat(gb.get(0).toDoubleArray()).containsExactly(1, 2);
        assertThat(b.grad().toDoubleArray()).containsExactly(1, 2);
    }

    @Test
    void setGradReplacesTheGradientThatLaterBackwardPassesAddTo() {
        Tensor w = Tensors.of(new double[] {1, 2}).requiresGrad(true);
        w.setGrad(Tensors.of(new double[] {10, 20}));
        w.mul(3.0).sum().backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(13, 23);
        w.setGrad(null);
        assertThat(w.grad()).isNull();
    }

    @Test
    void setGradRefusesAnotherShapeOrDtypeAndNonLeaves() {
        Tensor w = Tensors.of(new double[] {1, 2}).requiresGrad(true);
        assertThatThrownBy(() -> w.setGrad(Tensors.of(new double[] {1, 2, 3})))
                .hasMessage("setGrad: expected a float64 gradient of shape [2], got float64 [3]");
        assertThatThrownBy(() -> w.setGrad(Tensors.of(new float[] {1, 2})))
                .hasMessage("setGrad: expected a float64 gradient of shape [2], got float32 [2]");
        assertThatThrownBy(() -> w.mul(2.0).setGrad(null)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Tensors.of(new double[] {1}).setGrad(null))
                .hasMessage("setGrad: only leaves that require gradients hold one");
    }

    @Test
    void savedBytesCountsWhatTheRulesKeepOnceAndNotTheParameters() {
        Tensor w = Tensors.randn(new Rng(1), DType.FLOAT64, 3, 4).requiresGrad(true);
        Tensor x = Tensors.randn(new Rng(2), DType.FLOAT64, 5, 3);
        // matmul keeps x (the weight is a parameter, not counted); exp keeps its output [5, 4].
        Tensor h = x.matmul(w);
        Tensor y = h.exp();
        assertThat(Grad.savedBytes(y)).isEqualTo(5 * 3 * 8 + 5 * 4 * 8);
        // Two graphs sharing the product count its saved input once; the second exp keeps an output of its own.
        Tensor y2 = h.exp();
        assertThat(Grad.savedBytes(y, y2)).isEqualTo(5 * 3 * 8 + 2 * 5 * 4 * 8);
        Tensor z = y.add(y2).sum();
        assertThat(Grad.savedBytes(x)).isZero();
        try (var g = Grad.disabled()) {
            assertThat(Grad.savedBytes(x.matmul(w).exp().sum())).isZero();
        }
        z.backward();
        assertThat(w.grad()).isNotNull();
    }
}
