package dev.jinn.flow.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.nn.Init;
import dev.jinn.optim.Adam;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

/**
 * FrEIA README's quick start in Java: 8 AllInOneBlocks with 2→512→2 subnets and soft permutations, trained
 * by maximum likelihood on two moons (batch 100, Adam 1e-3), with a CI-sized budget of 300 steps.
 */
class QuickStartTest {
    private static final double LOG_2PI = Math.log(2 * Math.PI);

    /** sklearn's make_moons: two interleaved half circles plus Gaussian noise. */
    static Tensor moons(int n, double noise, Rng rng) {
        double[] v = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double t = Math.PI * rng.nextDouble();
            boolean outer = (i & 1) == 0;
            double x = outer ? Math.cos(t) : 1 - Math.cos(t);
            double y = outer ? Math.sin(t) : 0.5 - Math.sin(t);
            v[2 * i] = x + noise * rng.nextGaussian();
            v[2 * i + 1] = y + noise * rng.nextGaussian();
        }
        return Tensors.of(v, n, 2).to(DType.FLOAT32);
    }

    /**
     * The held-out NLL (nats per sample) of the best Gaussian fitted to the training data:
     * {@code ½ ln det(2πΣ) + ½ E[(x−μ)ᵀΣ⁻¹(x−μ)]} evaluated on the test set.
     */
    private static double gaussianNll(Tensor train, Tensor test) {
        Tensor x = train.to(DType.FLOAT64);
        Tensor mu = x.mean(0);
        Tensor d = x.sub(mu);
        Tensor cov = d.t().matmul(d).div(x.size(0));
        Tensor dt = test.to(DType.FLOAT64).sub(mu);
        Tensor maha = dt.matmul(cov.inverse()).mul(dt).sum(1).mean();
        return 0.5 * (cov.slogdet().logAbsDet().item() + 2 * LOG_2PI) + 0.5 * maha.item();
    }

    @Test
    void quickStartLearnsTwoMoonsBeyondAGaussian() {
        Init.manualSeed(0);
        var inn = new SequenceINN(2);
        for (int k = 0; k < 8; k++) {
            inn.append(AllInOneBlock.builder().subnet(Subnets.mlp(512)).permuteSoft(true));
        }
        var opt = new Adam(inn.parameters(), 1e-3);
        var rng = new Rng(42);
        for (int i = 0; i < 300; i++) {
            Tensor x = moons(100, 0.05, rng);
            FlowResult r = inn.forward(x);
            Tensor loss = r.output().square().sum(1).mul(0.5).sub(r.logDet()).mean().div(2);
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        Tensor test = moons(2000, 0.05, new Rng(7));
        double nll;
        try (var g = Grad.disabled()) {
            FlowResult r = inn.forward(test);
            nll = r.output().square().sum(1).mul(0.5).sub(r.logDet()).mean().item() + LOG_2PI;
            Tensor samples = inn.inverse(Tensors.randn(rng, 100, 2)).output();
            assertThat(samples.shape()).isEqualTo(new int[] {100, 2});
        }
        double gaussian = gaussianNll(moons(2000, 0.05, new Rng(8)), test);
        // Why this threshold: the best Gaussian (≈1.89 nats here) is what any affine flow can reach; two moons
        // are far from Gaussian, so only a flow that has learned their curved shape gets clearly below it.
        // Measured: 1.22 nats after these 300 steps (FrEIA's budget of 1000+ steps goes further). A margin of
        // 0.4 nats leaves room for thread-count-dependent rounding while still failing an affine-only fit.
        assertThat(nll).as("held-out NLL %.3f vs best Gaussian %.3f", nll, gaussian).isLessThan(gaussian - 0.4);
    }
}
