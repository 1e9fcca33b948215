package dev.jinn.autograd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.lang.ref.WeakReference;
import org.junit.jupiter.api.Test;

class AutogradTest {
    private static final double TOL = 1e-12;

    private static Tensor leaf(double... values) {
        return Tensors.of(values).requiresGrad(true);
    }

    // ---- backward(): seeds, accumulation, graph shapes

    @Test
    void scalarSeedGivesTheDerivative() {
        // f(x) = sum(x^2 * 3 + x) -> df/dx = 6x + 1
        Tensor x = leaf(1.0, -2.0, 0.5);
        x.square().mul(3.0).add(x).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {7.0, -11.0, 4.0}, within(TOL));
        assertThat(x.grad().shape()).containsExactly(3);
    }

    @Test
    void explicitGradOutputIsAVectorJacobianProduct() {
        // y = x * w (elementwise): dL/dx = g * w, dL/dw = g * x
        Tensor x = leaf(1.0, 2.0, 3.0);
        Tensor w = leaf(4.0, 5.0, 6.0);
        Tensor y = x.mul(w);
        y.backward(Tensors.of(new double[] {1.0, 10.0, 100.0}));
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {4.0, 50.0, 600.0}, within(TOL));
        assertThat(w.grad().toDoubleArray()).containsExactly(new double[] {1.0, 20.0, 300.0}, within(TOL));
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilZeroed() {
        Tensor x = leaf(1.5, -0.5);
        x.mul(x).sum().backward();
        double[] once = x.grad().toDoubleArray();
        assertThat(once).containsExactly(new double[] {3.0, -1.0}, within(TOL));

        x.mul(x).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {6.0, -2.0}, within(TOL));

        x.zeroGrad();
        assertThat(x.grad()).isNull();
        x.mul(x).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(once, within(TOL));
    }

    @Test
    void diamondGraphSumsBothPaths() {
        // x -> a = sin(x), b = x^3 -> c = a * b ; dc/dx = cos(x) x^3 + 3 x^2 sin(x)
        double[] xs = {0.3, -1.2, 2.0};
        Tensor x = leaf(xs);
        Tensor a = x.sin();
        Tensor b = x.pow(3.0);
        a.mul(b).sum().backward();
        double[] grad = x.grad().toDoubleArray();
        for (int i = 0; i < xs.length; i++) {
            double v = xs[i];
            double expected = Math.cos(v) * v * v * v + 3 * v * v * Math.sin(v);
            assertThat(grad[i]).isCloseTo(expected, within(1e-12));
        }
    }

    @Test
    void aTensorUsedTwiceInOneOpGetsBothContributions() {
        Tensor x = leaf(2.0);
        x.add(x).add(x).sum().backward();
        assertThat(x.grad().item()).isEqualTo(3.0);
    }

    @Test
    void sharedIntermediateFeedingManyConsumersSumsAllPaths() {
        // s = x^2 used by three consumers: L = s + 2 s + s*s -> dL/dx = (3 + 2 s) * 2x
        Tensor x = leaf(0.7, -1.1);
        Tensor s = x.square();
        s.add(s.mul(2.0)).add(s.mul(s)).sum().backward();
        double[] g = x.grad().toDoubleArray();
        double[] v = {0.7, -1.1};
        for (int i = 0; i < 2; i++) {
            assertThat(g[i]).isCloseTo((3 + 2 * v[i] * v[i]) * 2 * v[i], within(1e-12));
        }
        assertThat(s.grad()).as("non-leaf tensors keep no grad").isNull();
    }

    @Test
    void leavesThatDoNotRequireGradGetNoGrad() {
        Tensor x = leaf(1.0, 2.0);
        Tensor c = Tensors.of(new double[] {3.0, 4.0});
        x.mul(c).sum().backward();
        assertThat(c.grad()).isNull();
        assertThat(c.requiresGrad()).isFalse();
        assertThat(x.grad().toDoubleArray()).containsExactly(3.0, 4.0);
    }

    @Test
    void resultsRequireGradExactlyWhenAnInputDoes() {
        Tensor x = leaf(1.0);
        Tensor c = Tensors.of(new double[] {2.0});
        assertThat(c.mul(c).requiresGrad()).isFalse();
        assertThat(c.mul(c).isLeaf()).isTrue();
        assertThat(c.mul(x).requiresGrad()).isTrue();
        assertThat(c.mul(x).isLeaf()).isFalse();
        assertThat(c.mul(x).gradFnName()).isEqualTo("MulBackward");
        assertThat(x.gradFnName()).isNull();
        assertThat(x.isLeaf()).isTrue();
    }

    @Test
    void nonFloatingTensorsCannotRequireGrad() {
        Tensor ints = Tensors.of(new long[] {1, 2, 3});
        assertThatThrownBy(() -> ints.requiresGrad(true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("floating-point")
                .hasMessageContaining("int64");
        Tensor bools = Tensors.of(new boolean[] {true});
        assertThatThrownBy(() -> bools.requiresGrad(true)).isInstanceOf(IllegalArgumentException.class);
        assertThat(ints.requiresGrad(false).requiresGrad()).isFalse();
    }

    @Test
    void requiresGradCannotBeChangedOnNonLeaves() {
        Tensor y = leaf(1.0, 2.0).exp();
        assertThatThrownBy(() -> y.requiresGrad(false))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("leaf")
                .hasMessageContaining("ExpBackward")
                .hasMessageContaining("detach");
        assertThatThrownBy(() -> y.requiresGrad(true)).isInstanceOf(IllegalStateException.class);
        assertThat(y.requiresGrad()).isTrue();
        // detach() gives a leaf again, which may be marked
        Tensor d = y.detach();
        assertThat(d.isLeaf()).isTrue();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.requiresGrad(true).requiresGrad()).isTrue();
    }

    @Test
    void detachedTensorsStopGradients() {
        // y = x * detach(x): only the first factor is differentiated -> dy/dx = x
        Tensor x = leaf(3.0, -2.0);
        x.mul(x.detach()).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(3.0, -2.0);
    }

    @Test
    void backwardOnATensorNotRequiringGradFails() {
        Tensor c = Tensors.of(new double[] {1.0, 2.0}).sum();
        assertThatThrownBy(c::backward)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not require a gradient");
    }

    @Test
    void backwardOnNonScalarNeedsGradOutputAndNamesTheShape() {
        Tensor y = Tensors.randn(new Rng(3), DType.FLOAT64, 2, 3).requiresGrad(true).exp();
        assertThatThrownBy(y::backward)
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> y.backward(Tensors.ones(DType.FLOAT64, 3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[3, 2]")
                .hasMessageContaining("[2, 3]");
    }

    @Test
    void singleElementNonScalarOutputsTakeTheImplicitSeed() {
        Tensor x = leaf(2.0);
        x.reshape(1, 1).square().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(4.0);
    }

    @Test
    void float32LeavesUsedWithFloat64OpsReceiveFloat32Grads() {
        Tensor x = Tensors.of(new float[] {1.5f, -2f}).requiresGrad(true);
        Tensor w = Tensors.of(new double[] {0.25, 4.0}).requiresGrad(true);
        Tensor y = x.mul(w).add(x.to(DType.FLOAT64).square());
        assertThat(y.dtype()).isEqualTo(DType.FLOAT64);
        y.sum().backward();
        assertThat(x.grad().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(w.grad().dtype()).isEqualTo(DType.FLOAT64);
        // dy/dx = w + 2x ; dy/dw = x
        assertThat(x.grad().toFloatArray()).containsExactly(3.25f, 0f);
        assertThat(w.grad().toDoubleArray()).containsExactly(1.5, -2.0);
    }

    @Test
    void float32GraphsGiveFloat32Grads() {
        Tensor x = Tensors.of(new float[] {0.5f, 1f}).requiresGrad(true);
        x.exp().sum().backward();
        assertThat(x.grad().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(x.grad().toFloatArray()).containsExactly(new float[] {(float) Math.exp(0.5), (float) Math.E},
                within(1e-6f));
    }

    @Test
    void broadcastOperandsGetGradsOfTheirOwnShape() {
        Tensor m = Tensors.randn(new Rng(5), DType.FLOAT64, 3, 4).requiresGrad(true);
        Tensor b = leaf(1.0, 2.0, 3.0, 4.0);
        m.add(b).sum().backward();
        assertThat(b.grad().shape()).containsExactly(4);
        assertThat(b.grad().toDoubleArray()).containsExactly(3.0, 3.0, 3.0, 3.0);
        assertThat(m.grad().shape()).containsExactly(3, 4);
    }

    @Test
    void aLeafOwnsItsGradStorage() {
        // The stored grad is a fresh contiguous tensor, never the caller's seed nor a broadcast view of it,
        // so that in-place updates of grads (optimizers, clipping) cannot reach other tensors.
        Tensor x = leaf(1.0, 2.0);
        Tensor seed = Tensors.of(new double[] {5.0, 6.0});
        x.backward(seed);
        assertThat(x.grad()).isNotSameAs(seed);
        assertThat(x.grad().toDoubleArray()).containsExactly(5.0, 6.0);

        Tensor m = Tensors.zeros(DType.FLOAT64, 3, 4).requiresGrad(true);
        m.sum().backward(); // the sum's backward broadcasts a single element
        assertThat(m.grad().isContiguous()).isTrue();
        assertThat(m.grad().strides()).containsExactly(4, 1);
        assertThat(m.grad().toDoubleArray()).containsOnly(1.0);
    }

    // ---- retainGraph

    @Test
    void secondBackwardThroughAFreedGraphFails() {
        Tensor x = leaf(1.0, 2.0);
        Tensor loss = x.exp().sum();
        loss.backward();
        assertThatThrownBy(loss::backward)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time")
                .hasMessageContaining("retainGraph");
    }

    @Test
    void retainGraphAllowsASecondBackwardThatAccumulates() {
        Tensor x = leaf(0.0, 1.0);
        Tensor loss = x.exp().sum();
        loss.backward(null, true);
        double[] first = x.grad().toDoubleArray();
        assertThat(first).containsExactly(new double[] {1.0, Math.E}, within(TOL));
        loss.backward(null, true);
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {2.0, 2 * Math.E}, within(TOL));
        loss.backward(); // the last pass may free the graph
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {3.0, 3 * Math.E}, within(TOL));
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("second time");
    }

    @Test
    void aLeafCanBeUsedInManyGraphsEachBackpropagatedOnce() {
        Tensor x = leaf(2.0);
        for (int i = 0; i < 3; i++) {
            x.square().sum().backward();
        }
        assertThat(x.grad().item()).isEqualTo(12.0);
    }

    @Test
    void backwardFromAPartOfAFreedGraphFailsButFreshBranchesWork() {
        Tensor x = leaf(1.0);
        Tensor h = x.exp();
        h.sin().sum().backward(); // frees exp and sin
        Tensor other = x.mul(3.0).sum(); // independent graph on the same leaf
        other.backward();
        assertThat(x.grad().item()).isCloseTo(Math.cos(Math.E) * Math.E + 3.0, within(TOL));
        assertThatThrownBy(() -> h.cos().sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ExpBackward");
    }

    // ---- deep graphs and memory

    @Test
    void aChainOf20000OpsBackpropagatesWithoutStackOverflow() {
        Tensor x = leaf(0.5);
        Tensor y = x;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            y = y.mul(1.0001);
        }
        y.sum().backward();
        assertThat(x.grad().item()).isCloseTo(Math.pow(1.0001, n), within(1e-9));
    }

    @Test
    void aDeepChainWithSkipConnectionsBackpropagates() {
        // y_{k+1} = y_k + 0.5 * y_{k-1}: many paths of different length, still a linear recurrence
        Tensor x = leaf(1.0);
        Tensor prev = x;
        Tensor cur = x;
        int n = 5_000;
        double dPrev = 1;
        double dCur = 1;
        for (int i = 0; i < n; i++) {
            Tensor next = cur.add(prev.mul(0.5)).mul(0.5);
            double dNext = (dCur + 0.5 * dPrev) * 0.5;
            prev = cur;
            cur = next;
            dPrev = dCur;
            dCur = dNext;
        }
        cur.sum().backward();
        assertThat(x.grad().item()).isCloseTo(dCur, within(1e-15));
    }

    @Test
    void backwardWithoutRetainGraphReleasesSavedActivations() {
        Tensor x = leaf(1.0, 2.0, 3.0);
        WeakReference<Tensor>[] holder = newRefHolder();
        Tensor loss = buildWithHidden(x, ref -> holder[0] = ref);
        collectGarbage(holder[0], 2);
        assertThat(holder[0].get()).as("saved for backward, so kept while the graph lives").isNotNull();
        loss.backward();
        assertThat(collectGarbage(holder[0], 50)).as("freed after backward without retainGraph").isTrue();
    }

    @Test
    void backwardWithRetainGraphKeepsSavedActivations() {
        Tensor x = leaf(1.0, 2.0, 3.0);
        WeakReference<Tensor>[] holder = newRefHolder();
        Tensor loss = buildWithHidden(x, ref -> holder[0] = ref);
        loss.backward(null, true);
        collectGarbage(holder[0], 3);
        assertThat(holder[0].get()).isNotNull();
        loss.backward();
        assertThat(x.grad().toDoubleArray()[0]).isCloseTo(2 * Math.cos(Math.exp(1.0)) * Math.exp(1.0), within(TOL));
    }

    @SuppressWarnings("unchecked")
    private static WeakReference<Tensor>[] newRefHolder() {
        return new WeakReference[1];
    }

    /** sum(sin(exp(x))): the hidden exp(x) is saved by both ExpBackward and SinBackward. */
    private static Tensor buildWithHidden(Tensor x, java.util.function.Consumer<WeakReference<Tensor>> sink) {
        Tensor hidden = x.exp();
        sink.accept(new WeakReference<>(hidden));
        return hidden.sin().sum();
    }

    private static boolean collectGarbage(WeakReference<?> ref, int attempts) {
        for (int i = 0; i < attempts && ref.get() != null; i++) {
            System.gc();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return ref.get() == null;
    }

    // ---- determinism

    @Test
    void theSameComputationGivesBitIdenticalGradients() {
        double[][] first = mlpGrads();
        double[][] second = mlpGrads();
        for (int i = 0; i < first.length; i++) {
            assertThat(second[i]).containsExactly(first[i]);
        }
    }

    @Test
    void secondDerivativesAreBitIdenticalToo() {
        double[] first = hessianDiagonalOfSoftplusNet();
        double[] second = hessianDiagonalOfSoftplusNet();
        assertThat(second).containsExactly(first);
    }

    private static double[] hessianDiagonalOfSoftplusNet() {
        Rng rng = new Rng(99);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 5, 3).requiresGrad(true);
        Tensor w = Tensors.randn(rng, DType.FLOAT64, 3, 3);
        Tensor g = Grad.grad(x.matmul(w).softplus().matmul(w).tanh().sum(), x, true);
        return Grad.grad(g.sum(), x, false).toDoubleArray();
    }

    private static double[][] mlpGrads() {
        Rng rng = new Rng(2024);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 16, 8);
        Tensor w1 = Tensors.randn(rng, DType.FLOAT64, 8, 32).requiresGrad(true);
        Tensor b1 = Tensors.randn(rng, DType.FLOAT64, 32).requiresGrad(true);
        Tensor w2 = Tensors.randn(rng, DType.FLOAT64, 32, 4).requiresGrad(true);
        Tensor h = x.matmul(w1).add(b1).tanh();
        Tensor out = h.matmul(w2).add(h.sum(1).unsqueeze(1));
        out.softmax(1).log().mean().add(w1.square().sum().mul(1e-3)).backward();
        return new double[][] {w1.grad().toDoubleArray(), b1.grad().toDoubleArray(), w2.grad().toDoubleArray()};
    }
}
