package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

class LogDetMethodTest {
    /** A float64 dense branch with Lip(g) ≤ c³ after correction. */
    private static ResidualBranch branch(int d, double c, long seed) {
        ResidualBranch g = ResidualBranch.dense(d).hidden(2 * d).coefficient(c).normalisation(Normalisation.EXPLICIT)
                .rng(new Rng(seed)).build();
        g.to(DType.FLOAT64);
        try (var s = Grad.disabled()) {
            for (Tensor p : g.parameters()) {
                p.copyFrom(p.mul(3.0)); // make the correction bite, so that Lip(g) is close to its bound
            }
        }
        g.lipschitzCorrection(10);
        return g;
    }

    /** The Jacobians of g at each sample, [B, d, d], row i = ∂g_i/∂x, by autograd one output at a time. */
    private static double[][][] jacobians(UnaryOperator<Tensor> g, Tensor x) {
        int b = x.size(0);
        int d = x.size(1);
        double[][][] jac = new double[b][d][d];
        try (var s = Grad.enabled()) {
            Tensor xt = x.detach().requiresGrad(true);
            Tensor gx = g.apply(xt);
            for (int i = 0; i < d; i++) {
                double[] seed = new double[b * d];
                for (int k = 0; k < b; k++) {
                    seed[k * d + i] = 1;
                }
                double[] row = Grad.grad(List.of(gx), List.of(xt), List.of(Tensors.of(seed, b, d)), false, true)
                        .get(0).toDoubleArray();
                for (int k = 0; k < b; k++) {
                    System.arraycopy(row, k * d, jac[k][i], 0, d);
                }
            }
        }
        return jac;
    }

    /** Σ_{k≤n} (−1)^{k+1} tr(Jᵏ)/k from the matrix itself. */
    private static double truncatedSeries(double[][] j, int n) {
        int d = j.length;
        double[][] power = new double[d][];
        for (int i = 0; i < d; i++) {
            power[i] = j[i].clone();
        }
        double sum = 0;
        for (int k = 1; k <= n; k++) {
            double tr = 0;
            for (int i = 0; i < d; i++) {
                tr += power[i][i];
            }
            sum += (k % 2 == 1 ? 1 : -1) * tr / k;
            double[][] next = new double[d][d];
            for (int r = 0; r < d; r++) {
                for (int c = 0; c < d; c++) {
                    double acc = 0;
                    for (int m = 0; m < d; m++) {
                        acc += power[r][m] * j[m][c];
                    }
                    next[r][c] = acc;
                }
            }
            power = next;
        }
        return sum;
    }

    private static Tensor estimate(LogDetMethod method, UnaryOperator<Tensor> g, Tensor x, boolean training,
            boolean differentiable, Rng rng) {
        try (var s = Grad.enabled()) {
            Tensor xt = x.requiresGrad() ? x : x.detach().requiresGrad(true);
            return method.estimate(xt, g.apply(xt), training, differentiable, rng);
        }
    }

    @Test
    void exactMatchesTheSlogdetOfTheBruteForceJacobian() {
        for (Shape shape : List.of(Shape.of(5), Shape.of(2, 3, 3))) {
            IResNetLayer m = IResNetLayer.builder().logDet(LogDetMethod.exact()).normalisation(Normalisation.SOFT)
                    .spectralNormMax(0.95).rng(new Rng(2)).build(List.of(shape), List.of());
            m.to(DType.FLOAT64);
            m.eval(); // the power iteration must not move between the two evaluations
            Tensor x = Tensors.randn(new Rng(3), DType.FLOAT64, shape.withBatch(3));
            double[] got = m.forward(x).logDet().toDoubleArray();
            double[] want = FlowConformance.bruteForceLogDet(m, List.of(x), List.of()).toDoubleArray();
            for (int b = 0; b < 3; b++) {
                assertThat(Math.abs(got[b] - want[b])).as(shape + " sample " + b)
                        .isLessThanOrEqualTo(1e-9 * Math.max(1, Math.abs(want[b])));
                assertThat(Math.abs(want[b])).as("non-trivial log-det").isGreaterThan(1e-2);
            }
        }
    }

    @Test
    void truncationErrorShrinksAsTheSeriesTheoryPredicts() {
        // With diagonal weights J_g is diagonal, and Rademacher probes give its traces exactly, so the estimate is
        // exactly the truncated series Σ_i Σ_{k≤n} (−1)^{k+1} λ_iᵏ/k and its error obeys the remainder bound
        // Σ_i |λ_i|^{n+1}/((n+1)(1−|λ_i|)).
        int d = 4;
        ResidualBranch g = ResidualBranch.dense(d).hidden(d).internalLayers(0).coefficient(10)
                .normalisation(Normalisation.EXPLICIT).rng(new Rng(1)).build();
        g.to(DType.FLOAT64);
        List<SpectralNorm> layers = g.spectralLayers();
        try (var s = Grad.disabled()) {
            layers.get(0).weight().copyFrom(Tensors.of(new double[] {0.9, -0.8, 0.5, 0.95}, 4).diag());
            layers.get(1).weight().copyFrom(Tensors.of(new double[] {0.9, 0.85, -0.7, -0.9}, 4).diag());
        }
        Tensor x = Tensors.randn(new Rng(5), DType.FLOAT64, 2, d);
        UnaryOperator<Tensor> gb = g.bind(new int[] {d}, false);
        double[][][] jac = jacobians(gb, x);
        double previousBound = Double.POSITIVE_INFINITY;
        for (int n = 1; n <= 30; n++) {
            double[] est = estimate(LogDetMethod.powerSeries(n, 1), gb, x, true, false, new Rng(n)).toDoubleArray();
            for (int b = 0; b < 2; b++) {
                double exact = 0;
                double predicted = 0;
                double bound = 0;
                for (int i = 0; i < d; i++) {
                    double l = jac[b][i][i];
                    exact += Math.log1p(l);
                    for (int k = 1; k <= n; k++) {
                        predicted += (k % 2 == 1 ? 1 : -1) * Math.pow(l, k) / k;
                    }
                    bound += Math.pow(Math.abs(l), n + 1) / ((n + 1) * (1 - Math.abs(l)));
                }
                assertThat(Math.abs(est[b] - predicted)).as("n=" + n + ": the estimate is the truncated series")
                        .isLessThan(1e-12);
                assertThat(Math.abs(est[b] - exact)).as("n=" + n + ": remainder bound")
                        .isLessThanOrEqualTo(bound + 1e-14);
                if (b == 0) {
                    assertThat(bound).isLessThan(previousBound);
                    previousBound = bound;
                }
            }
        }
        assertThat(previousBound).as("the bound itself becomes small").isLessThan(0.1);
    }

    @Test
    void hutchinsonMeanMatchesTheTruncatedSeriesWithGaussianProbes() {
        int d = 3;
        int copies = 400;
        ResidualBranch g = branch(d, 0.9, 7);
        UnaryOperator<Tensor> gb = g.bind(new int[] {d}, false);
        Tensor x0 = Tensors.randn(new Rng(8), DType.FLOAT64, 1, d);
        Tensor x = x0.expand(copies, d).contiguous();
        int n = 6;
        double want = truncatedSeries(jacobians(gb, x0)[0], n);
        double[] est = estimate(LogDetMethod.powerSeries(n, 1).probeDistribution(ProbeDistribution.GAUSSIAN), gb, x,
                true, false, new Rng(9)).toDoubleArray();
        double mean = 0;
        for (double e : est) {
            mean += e / copies;
        }
        double var = 0;
        for (double e : est) {
            var += (e - mean) * (e - mean) / (copies - 1);
        }
        double se = Math.sqrt(var / copies);
        assertThat(se).as("the probes do vary").isGreaterThan(1e-4);
        assertThat(Math.abs(mean - want)).isLessThanOrEqualTo(4 * se);
    }

    /**
     * g(x) = W₂·elu(W₁x + b₁) + b₂ with W₁ = 0.7·I, W₂ = 0.7·(I − 2vvᵀ) and a large b₁, so that ELU stays in its
     * linear part: J_g = 0.49·(I − 2vvᵀ), eigenvalues 0.49, 0.49, −0.49, far from the identity.
     */
    private static ResidualBranch reflectionBranch() {
        ResidualBranch g = ResidualBranch.dense(3).hidden(3).internalLayers(0).coefficient(10)
                .normalisation(Normalisation.EXPLICIT).rng(new Rng(1)).build();
        g.to(DType.FLOAT64);
        List<SpectralNorm> layers = g.spectralLayers();
        Tensor v = Tensors.of(new double[] {0.6, 0.0, 0.8}, 3, 1);
        Tensor reflection = Tensors.eye(DType.FLOAT64, 3).sub(v.matmul(v.t()).mul(2.0));
        try (var s = Grad.disabled()) {
            layers.get(0).weight().copyFrom(Tensors.eye(DType.FLOAT64, 3).mul(0.7));
            layers.get(0).bias().fill(6.0);
            layers.get(1).weight().copyFrom(reflection.mul(0.7));
        }
        return g;
    }

    @Test
    void russianRouletteIsUnbiased() {
        int d = 3;
        ResidualBranch g = reflectionBranch();
        UnaryOperator<Tensor> gb = g.bind(new int[] {d}, false);
        Tensor x0 = Tensors.randn(new Rng(12), DType.FLOAT64, 1, d);
        double exact = estimate(LogDetMethod.exact(), gb, x0, true, false, new Rng(0)).item();
        assertThat(exact).isCloseTo(2 * Math.log(1.49) + Math.log(0.51), org.assertj.core.data.Offset.offset(1e-9));
        // The geometric draw is shared by a call's batch, so the independent replicates are the calls.
        int calls = 800;
        Tensor x = x0.expand(64, d).contiguous();
        LogDetMethod roulette = LogDetMethod.russianRoulette(1, 1);
        Rng rng = new Rng(13);
        double[] means = new double[calls];
        for (int c = 0; c < calls; c++) {
            means[c] = estimate(roulette, gb, x, true, false, rng).mean().item();
        }
        double mean = java.util.Arrays.stream(means).average().orElseThrow();
        double var = 0;
        for (double m : means) {
            var += (m - mean) * (m - mean) / (calls - 1);
        }
        double se = Math.sqrt(var / calls);
        assertThat(Math.abs(mean - exact)).isLessThanOrEqualTo(4 * se);
        // Without the 1/P(N ≥ k − n_exact) weights the mean would miss by about tr(J²)/4 = 0.18: the test can tell.
        assertThat(4 * se).isLessThan(0.1);
    }

    /**
     * Checks the gradient of Σ w·estimate with respect to every parameter and the input against central
     * differences along random directions; the estimator draws from a fresh generator with the same seed each
     * time, so it is a fixed function.
     */
    private static void checkGradients(ResidualBranch g, LogDetMethod method) {
        int d = 3;
        Rng rng = new Rng(21);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 4, d).requiresGrad(true);
        Tensor w = Tensors.randn(rng, DType.FLOAT64, 4);
        Function<Tensor, Tensor> loss = in -> estimate(method, g.bind(new int[] {d}, false), in, true, true,
                new Rng(99)).mul(w).sum();
        List<Tensor> targets = new ArrayList<>(g.parameters());
        List<String> names = new ArrayList<>(g.namedParameters().keySet());
        targets.add(x);
        names.add("input");
        List<Tensor> grads;
        try (var s = Grad.enabled()) {
            grads = Grad.grad(List.of(loss.apply(x)), targets, null, false);
        }
        double eps = 1e-6;
        String lastBias = (g.spectralLayers().size() * 2 - 2) + ".bias";
        for (int t = 0; t < targets.size(); t++) {
            Tensor target = targets.get(t);
            Tensor dir = Tensors.randn(rng, DType.FLOAT64, target.shape());
            double analytic = grads.get(t).mul(dir).sum().item();
            Tensor saved = target.detach().copy();
            double plus;
            double minus;
            try (var s = Grad.disabled()) {
                target.copyFrom(saved.add(dir.mul(eps)));
                plus = loss.apply(x).item();
                target.copyFrom(saved.sub(dir.mul(eps)));
                minus = loss.apply(x).item();
                target.copyFrom(saved);
            }
            double numeric = (plus - minus) / (2 * eps);
            assertThat(Math.abs(analytic - numeric)).as(method + ": " + names.get(t) + " analytic " + analytic
                    + " numeric " + numeric).isLessThanOrEqualTo(1e-6 + 1e-6 * Math.abs(numeric));
            if (!names.get(t).equals(lastBias)) { // J_g does not depend on the last layer's bias
                assertThat(Math.abs(analytic)).as(names.get(t) + ": a gradient that can be wrong").isGreaterThan(1e-6);
            }
        }
    }

    @Test
    void estimatorsAreDifferentiableInParametersAndInput() {
        ResidualBranch g = branch(3, 0.9, 31);
        checkGradients(g, LogDetMethod.powerSeries(5, 2));
        checkGradients(g, LogDetMethod.powerSeries(4, 1).probeDistribution(ProbeDistribution.GAUSSIAN));
        checkGradients(g, LogDetMethod.russianRoulette(2, 1));
        checkGradients(g, LogDetMethod.exact());
    }

    @Test
    void softNormalisationGradientIsChecked() {
        // In soft mode the gradient also flows through σ̂ = ⟨u, W v⟩ of the normalised weights.
        ResidualBranch g = ResidualBranch.dense(3).hidden(4).coefficient(0.5).rng(new Rng(41)).build();
        g.to(DType.FLOAT64);
        checkGradients(g, LogDetMethod.powerSeries(4, 1));
    }

    @Test
    void neumannGradientHasTheSeriesValueAndAnUnbiasedGradient() {
        int d = 3;
        ResidualBranch g = branch(d, 0.8, 51);
        UnaryOperator<Tensor> gb = g.bind(new int[] {d}, false);
        Tensor x0 = Tensors.randn(new Rng(52), DType.FLOAT64, 1, d);
        LogDetMethod plain = LogDetMethod.powerSeries(12, 1);
        LogDetMethod neumann = plain.neumannGradient(true);
        Tensor xs = x0.expand(6, d).contiguous();
        double[] a = estimate(plain, gb, xs, true, true, new Rng(53)).toDoubleArray();
        double[] b = estimate(neumann, gb, xs, true, true, new Rng(53)).toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(b[i]).isCloseTo(a[i], org.assertj.core.data.Offset.offset(1e-13));
        }
        // Averaged over many probes, the Neumann gradient matches the gradient of the exact log-det.
        int copies = 3000;
        Tensor x = x0.expand(copies, d).contiguous();
        List<Tensor> params = g.parameters();
        List<Tensor> exactGrad;
        List<Tensor> neumannGrad;
        try (var s = Grad.enabled()) {
            exactGrad = Grad.grad(List.of(estimate(LogDetMethod.exact(), g.bind(new int[] {d}, false), x0, true, true,
                    new Rng(0)).sum()), params, null, false);
            neumannGrad = Grad.grad(List.of(estimate(neumann, g.bind(new int[] {d}, false), x, true, true,
                    new Rng(54)).mean()), params, null, false);
        }
        double num = 0;
        double den = 0;
        for (int i = 0; i < params.size(); i++) {
            num += neumannGrad.get(i).sub(exactGrad.get(i)).square().sum().item();
            den += exactGrad.get(i).square().sum().item();
        }
        assertThat(Math.sqrt(num / den)).isLessThan(0.05);
    }

    @Test
    void exactIsTheEvalDefaultForSmallSamplesOnly() {
        LogDetMethod series = LogDetMethod.powerSeries(5, 1);
        assertThat(series.isExact(16, false)).isTrue();
        assertThat(series.isExact(17, false)).isFalse();
        assertThat(series.isExact(4, true)).isFalse();
        assertThat(series.exactInEvalUpTo(0).isExact(1, false)).isFalse();
        assertThat(LogDetMethod.exact().isExact(1000, true)).isTrue();
        assertThatThrownBy(() -> LogDetMethod.powerSeries(0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("terms");
        assertThatThrownBy(() -> series.geometricP(1.0)).isInstanceOf(IllegalArgumentException.class);
    }
}
