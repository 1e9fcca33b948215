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

class HouseholderPermTest {
    @Test
    void conformance() {
        FlowConformance.of("HouseholderPerm learned n=3", HouseholderPerm.builder().nReflections(3).rng(new Rng(1)),
                List.of(Shape.of(10)), List.of()).run();
        FlowConformance.of("HouseholderPerm n=1", HouseholderPerm.builder().rng(new Rng(2)),
                List.of(Shape.of(3)), List.of()).run();
        FlowConformance.of("HouseholderPerm n > C", HouseholderPerm.builder().nReflections(5).rng(new Rng(2)),
                List.of(Shape.of(3)), List.of()).run();
        FlowConformance.of("HouseholderPerm fixed", HouseholderPerm.builder().nReflections(4).fixed(true)
                .rng(new Rng(3)), List.of(Shape.of(6)), List.of()).run();
        FlowConformance.of("HouseholderPerm conditional (C·n,)", HouseholderPerm.builder().nReflections(2),
                List.of(Shape.of(3)), List.of(Shape.of(6))).run();
        FlowConformance.of("HouseholderPerm conditional (C, n)", HouseholderPerm.builder().nReflections(2),
                List.of(Shape.of(3)), List.of(Shape.of(3, 2))).run();
    }

    /** The product of the reflection matrices, built independently as dense matrices. */
    private static double[][] product(double[][] vs, int c) {
        double[][] w = new double[c][c];
        for (int i = 0; i < c; i++) {
            w[i][i] = 1;
        }
        for (double[] v : vs) {
            double vv = 0;
            for (double e : v) {
                vv += e * e;
            }
            double[][] h = new double[c][c];
            for (int i = 0; i < c; i++) {
                for (int j = 0; j < c; j++) {
                    h[i][j] = (i == j ? 1 : 0) - 2 * v[i] * v[j] / vv;
                }
            }
            double[][] next = new double[c][c];
            for (int i = 0; i < c; i++) {
                for (int j = 0; j < c; j++) {
                    for (int k = 0; k < c; k++) {
                        next[i][j] += w[i][k] * h[k][j];
                    }
                }
            }
            w = next;
        }
        return w;
    }

    @Test
    void learnedForwardIsXTimesTheReflectionProduct() {
        var m = HouseholderPerm.builder().nReflections(3).rng(new Rng(4)).build(List.of(Shape.of(4)), List.of());
        m.to(DType.FLOAT64);
        double[][] vs = {{1, 2, 0, -1}, {0.5, -1, 3, 0}, {0, 0, 1, 1}};
        try (var g = Grad.disabled()) {
            m.parameter("Vs").copyFrom(Tensors.of(new double[] {1, 2, 0, -1, 0.5, -1, 3, 0, 0, 0, 1, 1}, 3, 4));
        }
        double[][] w = product(vs, 4);
        double[] x = {0.3, -1.2, 2.5, 0.7};
        FlowResult r = m.forward(Tensors.of(x, 1, 4));
        for (int j = 0; j < 4; j++) {
            double want = 0;
            for (int i = 0; i < 4; i++) {
                want += x[i] * w[i][j];
            }
            assertThat(r.output().toDoubleArray()[j]).isCloseTo(want, within(1e-13));
        }
        assertThat(r.logDet().item()).isEqualTo(0.0);

        // The same vectors given as a condition (C, n): column k is v_k.
        var cond = HouseholderPerm.builder().nReflections(3).build(List.of(Shape.of(4)), List.of(Shape.of(4, 3)));
        double[] c = new double[12];
        for (int k = 0; k < 3; k++) {
            for (int i = 0; i < 4; i++) {
                c[i * 3 + k] = vs[k][i];
            }
        }
        FlowResult rc = cond.forward(Tensors.of(x, 1, 4), List.of(Tensors.of(c, 1, 4, 3)));
        assertThat(rc.output().allClose(r.output(), 0, 1e-13)).isTrue();
        assertThat(cond.parameters()).isEmpty();
    }

    @Test
    void fixedKeepsFreiaBuffersAndAnOrthogonalWeight() {
        var m = HouseholderPerm.builder().nReflections(2).fixed(true).rng(new Rng(5)).build(List.of(Shape.of(5)),
                List.of());
        assertThat(m.parameters()).isEmpty();
        assertThat(m.stateDict().keySet()).containsExactlyInAnyOrder("Vs", "W", "weight");
        Tensor w = m.buffer("weight").to(DType.FLOAT64);
        assertThat(w.matmul(w.t()).sub(Tensors.eye(DType.FLOAT64, 5)).abs().max().item()).isLessThan(1e-6);
        double[] v = m.buffer("Vs").to(DType.FLOAT64).toDoubleArray();
        double[][] want = product(new double[][] {java.util.Arrays.copyOfRange(v, 0, 5),
            java.util.Arrays.copyOfRange(v, 5, 10)}, 5);
        double[] got = w.toDoubleArray();
        for (int i = 0; i < 5; i++) {
            for (int j = 0; j < 5; j++) {
                assertThat(got[i * 5 + j]).isCloseTo(want[i][j], within(1e-5));
            }
        }
    }

    @Test
    void learnedStartsNearTheIdentityReflections() {
        var m = HouseholderPerm.builder().nReflections(2).rng(new Rng(6)).build(List.of(Shape.of(4)), List.of());
        double[] vs = m.parameter("Vs").toDoubleArray();
        assertThat(m.parameter("Vs").shape()).containsExactly(2, 4);
        // Row k ≈ e_k (noise 0.1).
        assertThat(vs[0]).isCloseTo(1, within(0.5));
        assertThat(vs[5]).isCloseTo(1, within(0.5));
        assertThat(Math.abs(vs[1]) + Math.abs(vs[4])).isLessThan(1);
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> HouseholderPerm.builder().nReflections(0).build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one reflection");
        assertThatThrownBy(() -> HouseholderPerm.builder().fixed(true).build(List.of(Shape.of(3)),
                List.of(Shape.of(3)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fixed and conditional");
        assertThatThrownBy(() -> HouseholderPerm.builder().nReflections(2).build(List.of(Shape.of(3)),
                List.of(Shape.of(5)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("C·n = 3·2 = 6").hasMessageContaining("(5,)");
        assertThatThrownBy(() -> HouseholderPerm.builder().build(List.of(Shape.of(3, 2)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("vector");
    }
}
