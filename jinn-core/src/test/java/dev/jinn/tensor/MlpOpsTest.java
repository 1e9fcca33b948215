package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fused two-layer perceptron against the same layers composed op by op. */
class MlpOpsTest {
    private static final GradCheck CHECK2 = GradCheck.withTolerances(1e-6, 1e-5).secondOrder(true);

    private static Tensor randn(long seed, int... shape) {
        return Tensors.randn(new Rng(seed), DType.FLOAT64, shape);
    }

    private static Tensor composed(Tensor x, Tensor w1, Tensor b1, Tensor w2, Tensor b2) {
        return x.linear(w1, b1).relu().linear(w2, b2);
    }

    /** x, w1, b1, w2, b2 of a 3 → 6 → 4 perceptron in the given layout (null biases for "no biases"). */
    private static Tensor[] operands(String layout) {
        Tensor x = switch (layout) {
            case "nested" -> randn(1, 2, 5, 3);
            case "vector" -> randn(2, 3);
            case "strided" -> randn(3, 3, 5).transpose(0, 1);
            default -> randn(4, 5, 3);
        };
        Tensor w1 = layout.equals("transposed weights") ? randn(5, 3, 6).transpose(0, 1) : randn(5, 6, 3);
        Tensor w2 = layout.equals("transposed weights") ? randn(6, 6, 4).transpose(0, 1) : randn(6, 4, 6);
        boolean biases = !layout.equals("no biases");
        return new Tensor[] {x, w1, biases ? randn(7, 6) : null, w2, biases ? randn(8, 4) : null};
    }

    @ParameterizedTest
    @ValueSource(strings = {"batch", "nested", "vector", "strided", "transposed weights", "no biases"})
    void valuesAndBothOrdersOfGradientsAreThoseOfTheComposedLayers(String layout) {
        Tensor[] o = operands(layout);
        Tensor expected = composed(o[0], o[1], o[2], o[3], o[4]);
        Tensor actual = o[0].linearReluLinear(o[1], o[2], o[3], o[4]);
        assertThat(actual.shape()).containsExactly(expected.shape());
        assertThat(actual.allClose(expected, 0, 1e-14)).isTrue();
        if (o[2] == null) {
            CHECK2.verify(in -> in[0].linearReluLinear(in[1], null, in[2], null), o[0].requiresGrad(true),
                    o[1].requiresGrad(true), o[3].requiresGrad(true));
        } else {
            CHECK2.verify(in -> in[0].linearReluLinear(in[1], in[2], in[3], in[4]), o[0].requiresGrad(true),
                    o[1].requiresGrad(true), o[2].requiresGrad(true), o[3].requiresGrad(true),
                    o[4].requiresGrad(true));
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5, 6, 7, 8})
    void withoutAutogradTheTiledKernelGivesTheRecordedValuesOnRandomShapes(int seed) {
        // Without a backward pass the hidden layer lives one tile of rows at a time (dev.jinn.kernel.
        // TiledPerceptron): heights around and across the tile size, thin and wide layers, both dtypes.
        Rng rng = new Rng(100 + seed);
        int rows = 1 + (int) rng.nextLong(seed % 2 == 0 ? 700 : 40);
        int in = 1 + (int) rng.nextLong(seed % 3 == 0 ? 1 : 48);
        int hidden = 1 + (int) rng.nextLong(seed % 4 == 0 ? 8 : 600);
        int out = 1 + (int) rng.nextLong(seed % 2 == 1 ? 2 : 70);
        for (DType type : new DType[] {DType.FLOAT64, DType.FLOAT32}) {
            Tensor x = Tensors.randn(rng, type, rows, in);
            Tensor w1 = Tensors.randn(rng, type, hidden, in);
            Tensor b1 = Tensors.randn(rng, type, hidden);
            Tensor w2 = Tensors.randn(rng, type, out, hidden).mul(0.1);
            Tensor b2 = Tensors.randn(rng, type, out);
            Tensor tiled;
            try (var g = Grad.disabled()) {
                tiled = x.linearReluLinear(w1, b1, w2, b2);
            }
            Tensor recorded = x.linearReluLinear(w1.detach().requiresGrad(true), b1, w2, b2);
            assertThat(recorded.requiresGrad()).isTrue();
            double tol = type == DType.FLOAT64 ? 1e-12 : 1e-5;
            assertThat(tiled.allClose(recorded.detach(), tol, tol))
                    .as("%s rows=%d in=%d hidden=%d out=%d", type, rows, in, hidden, out).isTrue();
        }
    }

    /** Gradients of all five operands after {@code sum(f(x) * weights).backward()}. */
    private static Tensor[] grads(boolean fused, Tensor[] o, Tensor outWeights) {
        Tensor[] leaves = new Tensor[o.length];
        for (int i = 0; i < o.length; i++) {
            leaves[i] = o[i].detach().requiresGrad(true);
        }
        Tensor y = fused ? leaves[0].linearReluLinear(leaves[1], leaves[2], leaves[3], leaves[4])
                : composed(leaves[0], leaves[1], leaves[2], leaves[3], leaves[4]);
        y.mul(outWeights).sum().backward();
        Tensor[] g = new Tensor[o.length + 1];
        for (int i = 0; i < o.length; i++) {
            g[i] = leaves[i].grad();
        }
        g[o.length] = y.detach();
        return g;
    }

    @Test
    void float32OnTheQuickStartShapesAgreesWithFloat64() {
        // FrEIA's quick-start subnet, 1 → 512 → 2 on a batch of 100: thin products in every direction.
        Tensor[] o = {randn(11, 100, 1), randn(12, 512, 1), randn(13, 512), randn(14, 2, 512).mul(0.05),
            randn(15, 2)};
        Tensor weights = randn(16, 100, 2);
        Tensor[] single = new Tensor[o.length];
        for (int i = 0; i < o.length; i++) {
            single[i] = o[i].to(DType.FLOAT32);
        }
        Tensor[] exact = grads(false, o, weights);
        Tensor[] fused = grads(true, single, weights.to(DType.FLOAT32));
        for (int i = 0; i < exact.length; i++) {
            assertThat(fused[i].dtype()).isEqualTo(DType.FLOAT32);
            assertThat(fused[i].to(DType.FLOAT64).allClose(exact[i], 1e-4, 1e-4)).as("gradient %d", i).isTrue();
        }
    }

    @Test
    void recycledBuffersDoNotLeakBetweenInterleavedPasses() {
        // Two graphs alive at once: the first's saved activations must survive the second's backward pass, and
        // buffers handed back by one must not show through in the other.
        Tensor[] o = {randn(21, 64, 8), randn(22, 128, 8), randn(23, 128), randn(24, 3, 128), randn(25, 3)};
        Tensor[] p = {randn(26, 64, 8), o[1], o[2], o[3], o[4]};
        Tensor weights = randn(27, 64, 3);
        Tensor[] expectedO = grads(false, o, weights);
        Tensor[] expectedP = grads(false, p, weights);
        Tensor[] lo = leaves(o);
        Tensor[] lp = leaves(p);
        Tensor yo = lo[0].linearReluLinear(lo[1], lo[2], lo[3], lo[4]);
        Tensor yp = lp[0].linearReluLinear(lp[1], lp[2], lp[3], lp[4]);
        yp.mul(weights).sum().backward();
        Tensor yAgain = lp[0].detach().linearReluLinear(p[1], p[2], p[3], p[4]);
        yo.mul(weights).sum().backward();
        for (int i = 0; i < o.length; i++) {
            assertThat(lo[i].grad().allClose(expectedO[i], 0, 1e-13)).as("first graph, gradient %d", i).isTrue();
            assertThat(lp[i].grad().allClose(expectedP[i], 0, 1e-13)).as("second graph, gradient %d", i).isTrue();
        }
        assertThat(yo.detach().allClose(expectedO[5], 0, 1e-14)).isTrue();
        assertThat(yAgain.allClose(expectedP[5], 0, 1e-14)).isTrue();
    }

    private static Tensor[] leaves(Tensor[] o) {
        Tensor[] l = new Tensor[o.length];
        for (int i = 0; i < o.length; i++) {
            l[i] = o[i].detach().requiresGrad(true);
        }
        return l;
    }

    @Test
    void aRetainedGraphCanBeWalkedTwice() {
        Tensor[] o = leaves(new Tensor[] {randn(31, 40, 5), randn(32, 64, 5), randn(33, 64), randn(34, 2, 64),
            randn(35, 2)});
        Tensor y = o[0].linearReluLinear(o[1], o[2], o[3], o[4]).sum();
        y.backward(null, true);
        Tensor first = o[1].grad().detach();
        y.backward(null, false);
        assertThat(o[1].grad().allClose(first.mul(2.0), 0, 1e-13)).isTrue();
    }

    @Test
    void withoutGradientsTheValuesAreTheSame() {
        Tensor[] o = operands("batch");
        try (Grad.Scope s = Grad.disabled()) {
            Tensor y = o[0].linearReluLinear(o[1], o[2], o[3], o[4]);
            assertThat(y.requiresGrad()).isFalse();
            assertThat(y.allClose(composed(o[0], o[1], o[2], o[3], o[4]), 0, 1e-14)).isTrue();
        }
    }

    @Test
    void mismatchedShapesAndDtypesAreNamed() {
        Tensor[] o = operands("batch");
        assertThatThrownBy(() -> randn(41, 5, 4).linearReluLinear(o[1], o[2], o[3], o[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linearReluLinear: expected input [..., 3] for weight [6, 3], got [5, 4]");
        assertThatThrownBy(() -> o[0].linearReluLinear(o[1], o[2], randn(42, 4, 5), o[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linearReluLinear: the second weight [4, 5] must take the 6 outputs of the first [6, 3]");
        assertThatThrownBy(() -> o[0].linearReluLinear(o[1], randn(43, 5), o[3], o[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linearReluLinear: expected first bias [6], got [5]");
        assertThatThrownBy(() -> o[0].linearReluLinear(o[1], o[2], o[3], randn(44, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("linearReluLinear: expected second bias [4], got [3]");
        assertThatThrownBy(() -> o[0].to(DType.FLOAT32).linearReluLinear(o[1], o[2], o[3], o[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one floating dtype, got float32, float64");
        assertThatThrownBy(() -> o[0].linearReluLinear(randn(45, 6), o[2], o[3], o[4]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected weights [hidden, in] and [out, hidden], got [6] and [4, 6]");
    }
}
