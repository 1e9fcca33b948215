package dev.jinn.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Known-answer trajectories: ten steps of each optimizer on {@link Problem} in float64, compared element by
 * element with the update formulas of {@link Reference}.
 */
class OptimizerTrajectoryTest {
    private static final int STEPS = 10;
    private static final double REL = 1e-15;

    interface RefStep {
        void step(int param, double[] p, double[] g);
    }

    private static void assertClose(List<Tensor> params, double[][] expected, int step) {
        for (int k = 0; k < params.size(); k++) {
            double[] actual = params.get(k).toDoubleArray();
            for (int i = 0; i < actual.length; i++) {
                double tol = REL * Math.abs(expected[k][i]) + 1e-300;
                assertThat(Math.abs(actual[i] - expected[k][i]))
                        .as("step %d, param %d, element %d: %s vs %s", step, k, i, actual[i], expected[k][i])
                        .isLessThanOrEqualTo(tol);
            }
        }
    }

    private static void run(Optimizer<?> opt, List<Tensor> params, RefStep ref) {
        double[][] p = Problem.init();
        for (int s = 1; s <= STEPS; s++) {
            Problem.setGrads(params);
            opt.step();
            for (int k = 0; k < p.length; k++) {
                ref.step(k, p[k], Problem.grad(k, p[k]));
            }
            assertClose(params, p, s);
        }
        // The trajectory really moved.
        assertThat(params.get(0).toDoubleArray()).isNotEqualTo(Problem.INIT[0]);
    }

    private static RefStep sgd(double lr, double momentum, double dampening, double wd, boolean nesterov,
            boolean maximize) {
        Reference.Sgd[] r = {new Reference.Sgd(lr, momentum, dampening, wd, nesterov, maximize),
                new Reference.Sgd(lr, momentum, dampening, wd, nesterov, maximize)};
        return (k, p, g) -> r[k].step(p, g);
    }

    private static RefStep adam(double lr, double b1, double b2, double eps, double wd, boolean amsgrad,
            boolean decoupled, boolean maximize) {
        Reference.Adam[] r = {new Reference.Adam(lr, b1, b2, eps, wd, amsgrad, decoupled, maximize),
                new Reference.Adam(lr, b1, b2, eps, wd, amsgrad, decoupled, maximize)};
        return (k, p, g) -> r[k].step(p, g);
    }

    @Test
    void plainSgd() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        run(new SGD(ps, 0.05), ps, sgd(0.05, 0, 0, 0, false, false));
    }

    @Test
    void sgdWithMomentumDampeningAndWeightDecay() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Optimizer<?> opt = SGD.builder(0.03).momentum(0.9).dampening(0.25).weightDecay(0.01).build(ps);
        run(opt, ps, sgd(0.03, 0.9, 0.25, 0.01, false, false));
    }

    @Test
    void sgdWithNesterovAndWeightDecay() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Optimizer<?> opt = SGD.builder(0.02).momentum(0.8).nesterov(true).weightDecay(0.1).build(ps);
        run(opt, ps, sgd(0.02, 0.8, 0, 0.1, true, false));
    }

    @Test
    void sgdMaximize() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Optimizer<?> opt = SGD.builder(0.01).momentum(0.5).maximize(true).build(ps);
        run(opt, ps, sgd(0.01, 0.5, 0, 0, false, true));
    }

    @Test
    void adamWithPyTorchDefaults() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Adam opt = new Adam(ps);
        assertThat(opt.defaults()).isEqualTo(new AdamOptions(1e-3, 0.9, 0.999, 1e-8, 0.0, false, false));
        run(opt, ps, adam(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false));
    }

    @Test
    void adamWithLargeStepsL2DecayAndAmsgrad() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Optimizer<?> opt = Adam.builder().lr(0.3).betas(0.8, 0.95).eps(1e-6).weightDecay(0.05).amsgrad(true).build(ps);
        run(opt, ps, adam(0.3, 0.8, 0.95, 1e-6, 0.05, true, false, false));
    }

    /**
     * Float32 Adam (one fused pass per parameter) works in float arithmetic, operation by operation in the
     * documented order with the coefficients rounded to float, as PyTorch updates float32 parameters: each step
     * lands exactly on that evaluation from the stored parameter, gradient and moments (L2 decay with AMSGrad,
     * and AdamW), and the whole trajectory stays within float precision of the exact double one.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void float32AdamFollowsTheFormulaInFloatArithmetic(boolean decoupled) {
        double lr = 0.3;
        double b1 = 0.8;
        double b2 = 0.95;
        double eps = 1e-6;
        double wd = 0.05;
        List<Tensor> ps = Problem.params(DType.FLOAT32);
        Optimizer<?> opt = (decoupled ? AdamW.builder() : Adam.builder()).lr(lr).betas(b1, b2).eps(eps)
                .weightDecay(wd).amsgrad(true).build(ps);
        RefStep exact = adam(lr, b1, b2, eps, wd, true, decoupled, false);
        double[][] exactP = Problem.init();
        for (int t = 1; t <= STEPS; t++) {
            Problem.setGrads(ps);
            float[][] expected = new float[ps.size()][];
            for (int k = 0; k < ps.size(); k++) {
                Tensor w = ps.get(k);
                float[] p = w.toFloatArray();
                float[] g = w.grad().toFloatArray();
                Map<String, Tensor> st = opt.state(w);
                float[] m = t == 1 ? new float[p.length] : st.get(Adam.EXP_AVG).toFloatArray();
                float[] v = t == 1 ? new float[p.length] : st.get(Adam.EXP_AVG_SQ).toFloatArray();
                float[] vmax = t == 1 ? new float[p.length] : st.get(Adam.MAX_EXP_AVG_SQ).toFloatArray();
                float stepSize = (float) (lr / (1 - Math.pow(b1, t)));
                float bc2 = (float) Math.sqrt(1 - Math.pow(b2, t));
                expected[k] = new float[p.length];
                for (int i = 0; i < p.length; i++) {
                    float gi = decoupled ? g[i] : g[i] + p[i] * (float) wd;
                    float pi = decoupled ? p[i] * (float) (1 - lr * wd) : p[i];
                    float mi = m[i] + (float) (1 - b1) * (gi - m[i]);
                    float vi = v[i] * (float) b2 + (gi * (float) (1 - b2)) * gi;
                    float second = Math.max(vmax[i], vi);
                    expected[k][i] = pi + (-stepSize * mi) / ((float) Math.sqrt(second) / bc2 + (float) eps);
                }
                exact.step(k, exactP[k], Problem.grad(k, exactP[k]));
            }
            opt.step();
            for (int k = 0; k < ps.size(); k++) {
                float[] actual = ps.get(k).toFloatArray();
                for (int i = 0; i < actual.length; i++) {
                    assertThat(actual[i]).as("step %d, param %d, element %d", t, k, i).isEqualTo(expected[k][i]);
                    assertThat((double) actual[i]).isCloseTo(exactP[k][i], within(1e-4));
                }
            }
        }
    }

    @Test
    void adamWithSmallBeta1UsesTheOtherLerpBranch() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Optimizer<?> opt = Adam.builder().lr(0.1).betas(0.3, 0.9).maximize(true).build(ps);
        run(opt, ps, adam(0.1, 0.3, 0.9, 1e-8, 0, false, false, true));
    }

    @Test
    void adamWDecaysDecoupledWithDefaultWeightDecay() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        AdamW opt = new AdamW(ps, 0.2);
        assertThat(opt.defaults().weightDecay()).isEqualTo(1e-2);
        run(opt, ps, adam(0.2, 0.9, 0.999, 1e-8, 1e-2, false, true, false));
    }

    @Test
    void adamWWithAmsgradFromTheBuilder() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Adam opt = AdamW.builder().lr(0.1).weightDecay(0.5).amsgrad(true).build(ps);
        assertThat(opt).isInstanceOf(AdamW.class);
        run(opt, ps, adam(0.1, 0.9, 0.999, 1e-8, 0.5, true, true, false));
    }

    @Test
    void adamAgreesWithTheTextbookFormulaUpToRounding() {
        // Kingma & Ba with eps inside the corrected denominator: p -= lr * m̂ / (sqrt(v̂) + eps'), eps' = eps.
        // PyTorch's order gives the same up to rounding because sqrt(v)/sqrt(bc2) = sqrt(v̂).
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Adam opt = new Adam(ps, 0.05);
        double[][] p = Problem.init();
        double[][] m = {new double[3], new double[4]};
        double[][] v = {new double[3], new double[4]};
        for (int t = 1; t <= STEPS; t++) {
            Problem.setGrads(ps);
            opt.step();
            for (int k = 0; k < 2; k++) {
                double[] g = Problem.grad(k, p[k]);
                for (int i = 0; i < g.length; i++) {
                    m[k][i] = 0.9 * m[k][i] + 0.1 * g[i];
                    v[k][i] = 0.999 * v[k][i] + 0.001 * g[i] * g[i];
                    double mhat = m[k][i] / (1 - Math.pow(0.9, t));
                    double vhat = v[k][i] / (1 - Math.pow(0.999, t));
                    p[k][i] -= 0.05 * mhat / (Math.sqrt(vhat) + 1e-8);
                }
            }
        }
        for (int k = 0; k < 2; k++) {
            double[] a = ps.get(k).toDoubleArray();
            for (int i = 0; i < a.length; i++) {
                assertThat(a[i]).isCloseTo(p[k][i], org.assertj.core.data.Offset.offset(1e-12));
            }
        }
    }

    @Test
    void parameterGroupsHaveTheirOwnHyperParameters() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        SGD opt = SGD.builder(0.05).momentum(0.9).buildGroups(List.of(
                ParamGroup.of(List.of(ps.get(0))),
                ParamGroup.of(List.of(ps.get(1)), o -> o.withLr(0.01).withWeightDecay(0.2).withMomentum(0.5)
                        .withNesterov(true))));
        assertThat(opt.lr(0)).isEqualTo(0.05);
        assertThat(opt.lr(1)).isEqualTo(0.01);
        assertThat(opt.paramGroups().get(0).options().momentum()).isEqualTo(0.9);
        assertThat(opt.paramGroups().get(1).options()).isEqualTo(new SGDOptions(0.01, 0.5, 0, 0.2, true, false));
        Reference.Sgd[] r = {new Reference.Sgd(0.05, 0.9, 0, 0, false, false),
                new Reference.Sgd(0.01, 0.5, 0, 0.2, true, false)};
        run(opt, ps, (k, p, g) -> r[k].step(p, g));
    }

    @Test
    void adamParameterGroupsWithDifferentBetas() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Adam opt = Adam.builder().lr(0.1).buildGroups(List.of(
                ParamGroup.of(List.of(ps.get(0)), o -> o.withAmsgrad(true)),
                ParamGroup.of(List.of(ps.get(1)), o -> o.withLr(0.02).withBetas(0.5, 0.9).withWeightDecay(0.1))));
        Reference.Adam[] r = {new Reference.Adam(0.1, 0.9, 0.999, 1e-8, 0, true, false, false),
                new Reference.Adam(0.02, 0.5, 0.9, 1e-8, 0.1, false, false, false)};
        run(opt, ps, (k, p, g) -> r[k].step(p, g));
    }

    @Test
    void aChangedLearningRateTakesEffectAtTheNextStep() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Adam opt = new Adam(ps, 0.1);
        double[][] p = Problem.init();
        Reference.Adam[] r = new Reference.Adam[2];
        for (int s = 1; s <= 4; s++) {
            double lr = 0.1 / s;
            opt.setLr(lr);
            for (int k = 0; k < 2; k++) {
                Reference.Adam old = r[k];
                r[k] = new Reference.Adam(lr, 0.9, 0.999, 1e-8, 0, false, false, false);
                if (old != null) {
                    r[k].t = old.t;
                    r[k].m = old.m;
                    r[k].v = old.v;
                    r[k].vmax = old.vmax;
                }
            }
            Problem.setGrads(ps);
            opt.step();
            for (int k = 0; k < 2; k++) {
                r[k].step(p[k], Problem.grad(k, p[k]));
            }
            assertClose(ps, p, s);
        }
    }

    @Test
    void parametersWithoutGradientAreSkippedAndKeepTheirState() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        Adam opt = new Adam(ps, 0.1);
        Reference.Adam[] r = {new Reference.Adam(0.1, 0.9, 0.999, 1e-8, 0, false, false, false),
                new Reference.Adam(0.1, 0.9, 0.999, 1e-8, 0, false, false, false)};
        double[][] p = Problem.init();
        for (int s = 1; s <= 6; s++) {
            for (int k = 0; k < 2; k++) {
                boolean has = k == 0 || s % 3 == 0; // the second parameter gets a gradient at steps 3 and 6
                if (has) {
                    Problem.setGrad(ps.get(k), Problem.grad(k, ps.get(k).toDoubleArray()));
                    r[k].step(p[k], Problem.grad(k, p[k]));
                } else {
                    ps.get(k).zeroGrad();
                }
            }
            opt.step();
            assertClose(ps, p, s);
        }
        assertThat(opt.state(ps.get(0)).get("step").item()).isEqualTo(6.0);
        assertThat(opt.state(ps.get(1)).get("step").item()).isEqualTo(2.0);
        opt.zeroGrad();
        assertThat(ps.get(0).grad()).isNull();
        assertThat(ps.get(1).grad()).isNull();
    }

    @Test
    void stateIsEmptyBeforeTheFirstUpdateAndNeverAliasesTheGradient() {
        List<Tensor> ps = Problem.params(DType.FLOAT64);
        SGD opt = SGD.builder(0.1).momentum(0.9).build(ps);
        assertThat(opt.state(ps.get(0))).isEmpty();
        Problem.setGrads(ps);
        opt.step();
        Tensor buf = opt.state(ps.get(0)).get("momentum_buffer");
        double[] before = buf.toDoubleArray();
        GradClip.clipGradNorm(ps, 1e-3); // scales the gradients in place
        assertThat(buf.toDoubleArray()).containsExactly(before);
    }

    @Test
    void float32AdamConvergesOnLeastSquares() {
        Rng rng = new Rng(7);
        Tensor a = Tensors.randn(rng, 64, 3);
        Tensor wTrue = Tensors.of(new float[] {1.5f, -2.0f, 0.5f}, 3, 1);
        Tensor y = a.matmul(wTrue);
        Tensor w = Tensors.zeros(3, 1).requiresGrad(true);
        Tensor b = Tensors.zeros(1).requiresGrad(true);
        Adam opt = new Adam(List.of(w, b), 0.05);
        double loss = Double.NaN;
        for (int i = 0; i < 600; i++) {
            opt.zeroGrad();
            Tensor l = a.matmul(w).add(b).sub(y).square().mean();
            l.backward();
            opt.step();
            loss = l.item();
        }
        assertThat(w.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(opt.state(w).get("exp_avg").dtype()).isEqualTo(DType.FLOAT32);
        assertThat(loss).isLessThan(1e-6);
        try (var g = Grad.disabled()) {
            assertThat(w.allClose(wTrue, 0, 1e-3)).as("w = %s", w).isTrue();
            assertThat(Math.abs(b.item())).isLessThan(1e-3);
        }
    }
}
