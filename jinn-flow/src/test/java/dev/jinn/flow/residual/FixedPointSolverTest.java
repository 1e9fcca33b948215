package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class FixedPointSolverTest {
    @Test
    void solvesAContractionToTheTolerance() {
        UnaryOperator<Tensor> g = x -> x.tanh().mul(0.6);
        Tensor y = Tensors.randn(new Rng(1), DType.FLOAT64, 5, 3).mul(3);
        FixedPointResult r = FixedPointSolver.defaults().solve(g, y, "test");
        assertThat(r.converged()).isTrue();
        assertThat(r.x().add(g.apply(r.x())).sub(y).abs().max().item()).isLessThan(1e-12);
        assertThat(r.residual()).isLessThanOrEqualTo(1e-13 * (1 + 10));
        assertThat(r.iterations()).isBetween(2, 100);
    }

    @Test
    void iterationCountFollowsTheContractionRate() {
        // g(x) = a·x from x_0 = y = 1: x_k = Σ_{i≤k} (−a)^i, so the change at step k is exactly a^k.
        double a = 0.5;
        UnaryOperator<Tensor> g = x -> x.mul(a);
        Tensor y = Tensors.of(new double[] {1.0}, 1, 1);
        FixedPointResult r = FixedPointSolver.defaults().tolerances(1e-9, 0).solve(g, y, "test");
        int predicted = (int) Math.ceil(Math.log(1e-9) / Math.log(a));
        assertThat(r.iterations()).isEqualTo(predicted);
        assertThat(r.residual()).isLessThanOrEqualTo(1e-9).isGreaterThan(1e-9 * a);
        assertThat(r.x().item()).isCloseTo(1 / (1 + a), org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void nonConvergenceWarnsByDefaultAndReportsIt() {
        UnaryOperator<Tensor> g = x -> x.mul(-1.2);
        Tensor y = Tensors.of(new double[] {1.0, 2.0}, 2, 1);
        FixedPointResult r = FixedPointSolver.defaults().maxIterations(30).solve(g, y, "blk");
        assertThat(r.converged()).isFalse();
        assertThat(r.iterations()).isEqualTo(30);
        assertThat(r.residual()).isGreaterThan(1.0);
    }

    @Test
    void nonConvergenceThrowsWhenConfigured() {
        UnaryOperator<Tensor> g = x -> x.mul(-1.2);
        Tensor y = Tensors.of(new double[] {1.0, 2.0}, 2, 1);
        FixedPointSolver solver = FixedPointSolver.defaults().maxIterations(30).throwOnFailure(true);
        assertThatThrownBy(() -> solver.solve(g, y, "block 3")).isInstanceOf(FixedPointException.class)
                .hasMessageContaining("block 3").hasMessageContaining("30 iterations")
                .satisfies(e -> assertThat(((FixedPointException) e).iterations()).isEqualTo(30));
    }

    @Test
    void divergenceToInfinityStopsEarly() {
        UnaryOperator<Tensor> g = x -> x.mul(-1e10);
        Tensor y = Tensors.of(new double[] {1.0}, 1, 1);
        FixedPointResult r = FixedPointSolver.defaults().solve(g, y, "blk");
        assertThat(r.converged()).isFalse();
        assertThat(r.iterations()).isLessThan(100);
    }

    @Test
    void defaultTolerancesDependOnTheDtype() {
        FixedPointSolver s = FixedPointSolver.defaults();
        assertThat(s.atol(DType.FLOAT64)).isLessThan(s.atol(DType.FLOAT32));
        assertThat(s.tolerances(1e-4, 0).atol(DType.FLOAT64)).isEqualTo(1e-4);
        assertThatThrownBy(() -> s.maxIterations(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
