package dev.jinn.flow.mixture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

class GaussianMixtureModelTest {
    private static List<Shape> conditionShapes(int k, int d) {
        return List.of(Shape.of(k), Shape.of(k, d), Shape.of(k, d * (d + 1) / 2), Shape.of(1));
    }

    /** FrEIA's test data: Gaussian x, mu and U entries, softmax-normalised Gaussian weights (float64). */
    private static List<Tensor> conditions(Rng rng, int batch, int k, int d) {
        Tensor w = GaussianMixtureModel.normalizeWeights(Tensors.randn(rng, DType.FLOAT64, batch, k));
        Tensor mu = Tensors.randn(rng, DType.FLOAT64, batch, k, d);
        Tensor u = Tensors.randn(rng, DType.FLOAT64, batch, k, d * (d + 1) / 2);
        return List.of(w, mu, u, GaussianMixtureModel.pickMixtureComponent(w, rng));
    }

    @Test
    void conformance() {
        FlowConformance.of("GMM d=3 K=2", GaussianMixtureModel.spec(), List.of(Shape.of(3)), conditionShapes(2, 3))
                .conditions((rng, b) -> conditions(rng, b, 2, 3)).batch(4).run();
        FlowConformance.of("GMM d=1 K=3", GaussianMixtureModel.spec(), List.of(Shape.of(1)), conditionShapes(3, 1))
                .conditions((rng, b) -> conditions(rng, b, 3, 1)).run();
    }

    @Test
    void freiaReconstructionAndNumericalLogDet() {
        // FrEIA's test: d = 12, K = 4, batch 16, float64; reconstruction within 2e-3 and the log-det within atol 1,
        // rtol 0.03 of central differences. In float64 both hold far more tightly.
        int d = 12;
        Rng rng = new Rng(0);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 16, d);
        List<Tensor> c = conditions(rng, 16, 4, d);
        var gmm = new GaussianMixtureModel(List.of(Shape.of(d)), conditionShapes(4, d));
        FlowResult z = gmm.forward(x, c);
        FlowResult back = gmm.inverse(z.output(), c);
        assertThat(back.output().sub(x).abs().max().item()).isLessThan(1e-9);
        assertThat(z.logDet().add(back.logDet()).abs().max().item()).isLessThan(1e-12);

        double h = 1e-4;
        double[] xs = x.toDoubleArray();
        double[] logDet = z.logDet().toDoubleArray();
        for (int b = 0; b < 16; b++) {
            double[] jac = new double[d * d];
            for (int j = 0; j < d; j++) {
                double[] plus = xs.clone();
                double[] minus = xs.clone();
                plus[b * d + j] += h;
                minus[b * d + j] -= h;
                double[] zp = gmm.forward(Tensors.of(plus, 16, d), c).output().toDoubleArray();
                double[] zm = gmm.forward(Tensors.of(minus, 16, d), c).output().toDoubleArray();
                for (int i = 0; i < d; i++) {
                    jac[i * d + j] = (zp[b * d + i] - zm[b * d + i]) / (2 * h);
                }
            }
            double numeric = Tensors.of(jac, d, d).slogdet().logAbsDet().item();
            assertThat(logDet[b]).as("sample " + b).isCloseTo(numeric, within(1 + 0.03 * Math.abs(numeric)));
            assertThat(logDet[b]).as("sample " + b).isCloseTo(numeric, within(1e-6));
        }
    }

    @Test
    void seededComponentChoiceIsReproducibleAndFollowsTheWeights() {
        Tensor w = Tensors.of(new double[] {0.1, 0.6, 0.3}, 1, 3).expand(20000, 3);
        Tensor first = GaussianMixtureModel.pickMixtureComponent(w, new Rng(12345));
        Tensor again = GaussianMixtureModel.pickMixtureComponent(w, new Rng(12345));
        assertThat(first.toDoubleArray()).containsExactly(again.toDoubleArray());
        assertThat(first.shape()).containsExactly(20000, 1);
        int[] counts = new int[3];
        for (double v : first.toDoubleArray()) {
            counts[(int) v]++;
        }
        // Binomial standard deviations are at most 0.0035: 0.02 is more than five of them.
        assertThat(counts[0] / 20000.0).isCloseTo(0.1, within(0.02));
        assertThat(counts[1] / 20000.0).isCloseTo(0.6, within(0.02));
        assertThat(counts[2] / 20000.0).isCloseTo(0.3, within(0.02));
    }

    @Test
    void allComponentsReconstructEveryComponent() {
        int d = 12;
        Rng rng = new Rng(10);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 16, d);
        List<Tensor> c = conditions(rng, 16, 4, d);
        AllComponents z = GaussianMixtureModel.allComponents(x, c.get(1), c.get(2), false);
        assertThat(z.output().shape()).containsExactly(16, 4, d);
        assertThat(z.logDet().shape()).containsExactly(16, 4);
        AllComponents back = GaussianMixtureModel.allComponents(z.output(), c.get(1), c.get(2), true);
        for (int k = 0; k < 4; k++) {
            assertThat(back.output().select(1, k).sub(x).abs().max().item()).isLessThan(1e-9);
        }
        // The component chosen by the module gives the same code as the all-components map.
        var gmm = new GaussianMixtureModel(List.of(Shape.of(d)), conditionShapes(4, d));
        Tensor chosen = gmm.forward(x, c).output();
        double[] idx = c.get(3).toDoubleArray();
        for (int b = 0; b < 16; b++) {
            Tensor want = z.output().select(0, b).select(0, (int) idx[b]);
            assertThat(chosen.select(0, b).sub(want).abs().max().item()).isLessThan(1e-12);
        }
    }

    @Test
    void upperFactorLayout() {
        // d = 3: entries (a, b, c, u01, u02, u12) → [[e^a, u01, u02], [0, e^b, u12], [0, 0, e^c]].
        Tensor u = GaussianMixtureModel.upperFactor(Tensors.of(new double[] {0, Math.log(2), Math.log(3), 4, 5, 6},
                6), 3);
        assertThat(u.shape()).containsExactly(3, 3);
        assertThat(u.toDoubleArray()).containsExactly(new double[] {1, 4, 5, 0, 2, 6, 0, 0, 3}, within(1e-15));
    }

    @Test
    void nllLossIsTheMixtureDensity() {
        // Independently: log p(x) = ln Σ_k w_k N(x; μ_k, Λ_k⁻¹) with Λ_k = U_kᵀU_k,
        // and nll_loss = −ln p(x) − (d/2) ln 2π.
        int d = 3;
        int k = 2;
        Rng rng = new Rng(3);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 5, d);
        List<Tensor> c = conditions(rng, 5, k, d);
        AllComponents z = GaussianMixtureModel.allComponents(x, c.get(1), c.get(2), false);
        double[] nll = GaussianMixtureModel.nllLoss(c.get(0), z.output(), z.logDet()).toDoubleArray();
        double[] w = c.get(0).toDoubleArray();
        double[] mu = c.get(1).toDoubleArray();
        double[] ue = c.get(2).toDoubleArray();
        double[] xs = x.toDoubleArray();
        for (int b = 0; b < 5; b++) {
            double p = 0;
            for (int j = 0; j < k; j++) {
                int off = (b * k + j) * 6;
                double[][] u = {{Math.exp(ue[off]), ue[off + 3], ue[off + 4]}, {0, Math.exp(ue[off + 1]), ue[off + 5]},
                    {0, 0, Math.exp(ue[off + 2])}};
                double[] lambda = new double[9];
                for (int r = 0; r < 3; r++) {
                    for (int s = 0; s < 3; s++) {
                        for (int t = 0; t < 3; t++) {
                            lambda[r * 3 + s] += u[t][r] * u[t][s];
                        }
                    }
                }
                double quad = 0;
                for (int r = 0; r < 3; r++) {
                    for (int s = 0; s < 3; s++) {
                        quad += (xs[b * d + r] - mu[(b * k + j) * d + r]) * lambda[r * 3 + s]
                                * (xs[b * d + s] - mu[(b * k + j) * d + s]);
                    }
                }
                double logDetLambda = Tensors.of(lambda, 3, 3).slogdet().logAbsDet().item();
                p += w[b * k + j] * Math.exp(-0.5 * d * Math.log(2 * Math.PI) + 0.5 * logDetLambda - 0.5 * quad);
            }
            assertThat(nll[b]).as("sample " + b).isCloseTo(-Math.log(p) - 0.5 * d * Math.log(2 * Math.PI),
                    within(1e-10));
        }
        // Stable where the plain formula underflows: exponents around −2000.
        Tensor far = z.output().mul(60);
        double[] stable = GaussianMixtureModel.nllLoss(c.get(0), far, z.logDet()).toDoubleArray();
        for (double v : stable) {
            assertThat(Double.isFinite(v)).isTrue();
        }
    }

    @Test
    void normalizeWeightsIsAStableSoftmax() {
        Tensor w = GaussianMixtureModel.normalizeWeights(Tensors.of(new double[] {1000, 1000, 1000 + Math.log(2)}, 1,
                3));
        assertThat(w.toDoubleArray()).containsExactly(new double[] {0.25, 0.25, 0.5}, within(1e-12));
    }

    @Test
    void errors() {
        assertThatThrownBy(() -> new GaussianMixtureModel(List.of(Shape.of(3)), List.of(Shape.of(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("four conditions");
        assertThatThrownBy(() -> new GaussianMixtureModel(List.of(Shape.of(3)),
                List.of(Shape.of(2), Shape.of(2, 3), Shape.of(2, 5), Shape.of(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 6)");
        var gmm = new GaussianMixtureModel(List.of(Shape.of(3)), conditionShapes(2, 3));
        Rng rng = new Rng(4);
        List<Tensor> c = conditions(rng, 2, 2, 3);
        List<Tensor> bad = List.of(c.get(0), c.get(1), c.get(2), Tensors.of(new double[] {0, 2}, 2, 1));
        assertThatThrownBy(() -> gmm.forward(Tensors.randn(rng, DType.FLOAT64, 2, 3), bad))
                .hasMessageContaining("GaussianMixtureModel")
                .hasStackTraceContaining("component index of sample 1 is 2.0, expected an integer in [0, 2)");
        List<Tensor> half = List.of(c.get(0), c.get(1), c.get(2), Tensors.of(new double[] {0, 0.5}, 2, 1));
        assertThatThrownBy(() -> gmm.forward(Tensors.randn(rng, DType.FLOAT64, 2, 3), half))
                .hasStackTraceContaining("is 0.5");
    }
}
