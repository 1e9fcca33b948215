package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.nn.Linear;
import dev.jinn.optim.Adam;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Grad;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import java.util.List;
import org.junit.jupiter.api.Test;

class IResNetFacadeTest {
    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).abs().max().item();
    }

    private static void assertLogDetMatchesJacobian(IResNetModule m, Tensor x, double tol) {
        double[] got = m.forward(x).logDet().toDoubleArray();
        double[] want = Jacobians.logAbsDet(in -> m.forward(in).y(), x);
        for (int b = 0; b < want.length; b++) {
            assertThat(got[b]).as(m.describe() + " sample " + b).isCloseTo(want[b], within(tol * Math.max(1,
                    Math.abs(want[b]))));
        }
        assertThat(java.util.Arrays.stream(want).map(Math::abs).max().orElseThrow()).as("a log-det that can be wrong")
                .isGreaterThan(1e-3);
    }

    @Test
    void residualBlocksInvertAndHaveTheExactLogDetInEval() {
        List<IResNetModule> blocks = List.of(
                ResidualBlock.fcn(3, 3).rng(new Rng(1)).build(),
                ResidualBlock.conv1d(2, 3).rng(new Rng(2)).build(),
                ResidualBlock.conv2d(2, 3).hidden(4).rng(new Rng(3)).build());
        List<Tensor> inputs = List.of(Tensor.randn(new Rng(4), DType.FLOAT64, 5, 3),
                Tensor.randn(new Rng(5), DType.FLOAT64, 3, 2, 4),
                Tensor.randn(new Rng(6), DType.FLOAT64, 2, 2, 2, 3));
        for (int i = 0; i < blocks.size(); i++) {
            IResNetModule m = blocks.get(i);
            Tensor x = inputs.get(i);
            m.to(DType.FLOAT64);
            m.forward(x); // training-mode call: creates the conv vectors and advances the power iteration
            m.eval();
            IResNetResult r = m.forward(x);
            assertThat(maxAbsDiff(m.inverse(r.y()), x)).as(m.describe()).isLessThanOrEqualTo(1e-10);
            assertLogDetMatchesJacobian(m, x, 1e-9);
            assertThat(((ResidualBlock) m).lastInversion().converged()).isTrue();
        }
    }

    @Test
    void trainingModeEstimatesAndAnExactMethodCanBeChosen() {
        ResidualBlock est = ResidualBlock.fcn(3, 3).rng(new Rng(7)).build();
        // no power steps, so that repeated training-mode calls apply the same weights
        ResidualBlock exact = ResidualBlock.fcn(3, 3).logDet(LogDetMethod.exact()).powerIterations(0).rng(new Rng(7))
                .build();
        est.to(DType.FLOAT64);
        exact.to(DType.FLOAT64);
        exact.loadStateDict(est.stateDict(), true);
        Tensor x = Tensor.randn(new Rng(8), DType.FLOAT64, 4, 3);
        est.eval();
        exact.eval();
        double[] want = est.forward(x).logDet().toDoubleArray(); // eval: exact
        exact.train();
        assertLogDetMatchesJacobian(exact, x, 1e-9);
        assertThat(exact.forward(x).logDet().toDoubleArray()[0]).isCloseTo(want[0], within(1e-6));
    }

    @Test
    void abandonedFeaturesGoToLogP() {
        ResidualBlock block = ResidualBlock.fcn(4, 2).rng(new Rng(9)).build();
        block.to(DType.FLOAT64);
        block.eval();
        Tensor x = Tensor.randn(new Rng(10), DType.FLOAT64, 3, 4);
        Tensor logP0 = Tensor.of(new double[] {0.5, -1.0, 2.0}, 3);
        IResNetResult r = block.forward(x, logP0, null);
        assertThat(r.y().shape()).containsExactly(3, 2);
        Tensor full = x.add(block.residual().forward(x));
        Tensor z = full.narrow(1, 2, 2);
        assertThat(maxAbsDiff(r.y(), full.narrow(1, 0, 2))).isLessThan(1e-14);
        double[] logP = r.logP().toDoubleArray();
        double[] zs = z.toDoubleArray();
        for (int b = 0; b < 3; b++) {
            double expected = logP0.toDoubleArray()[b] - 0.5 * (zs[2 * b] * zs[2 * b] + zs[2 * b + 1] * zs[2 * b + 1])
                    - Math.log(2 * Math.PI);
            assertThat(logP[b]).isCloseTo(expected, within(1e-12));
        }
        assertThat(maxAbsDiff(block.inverse(r.y(), z), x)).isLessThan(1e-10);
        // Sampled abandoned features: a different preimage of the same kept features.
        Tensor other = block.inverse(r.y());
        assertThat(maxAbsDiff(block.forward(other).y(), r.y())).isLessThan(1e-10);
        assertThat(maxAbsDiff(other, x)).isGreaterThan(1e-3);
        assertThatThrownBy(() -> block.inverse(r.y(), Tensor.zeros(DType.FLOAT64, 3, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3, 2]");
        assertThatThrownBy(() -> IResNet.fcn(2, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimOut");
    }

    @Test
    void roundTripHoldsAfterTwoHundredTrainingSteps() {
        for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
            Rng rng = new Rng(11);
            IResNetSequential model = IResNet.sequential(
                    ResidualBlock.fcn(2, 2).hidden(16).logDet(LogDetMethod.exact()).rng(rng).build(),
                    ResidualBlock.fcn(2, 2).hidden(16).logDet(LogDetMethod.exact()).rng(rng).build());
            model.to(dtype);
            Adam opt = new Adam(model.parameters(), 1e-2);
            Tensor data = Tensor.randn(new Rng(12), dtype, 64, 2).mul(Tensor.of(new double[] {2.0, 0.3}, 2).to(dtype))
                    .add(1.0);
            Tensor initial = model.parameters().get(0).detach().copy();
            for (int step = 0; step < 200; step++) {
                IResNetResult r = model.forward(data);
                Tensor nll = r.y().square().sum(1).mul(0.5).sub(r.logDet()).mean();
                opt.zeroGrad();
                nll.backward();
                opt.step();
            }
            assertThat(maxAbsDiff(model.parameters().get(0), initial)).as("training moved the weights")
                    .isGreaterThan(0.05);
            for (boolean eval : new boolean[] {false, true}) {
                model.train(!eval);
                Tensor x = Tensor.randn(new Rng(13), dtype, 32, 2).mul(2.0);
                Tensor back;
                try (var g = Grad.disabled()) {
                    back = model.inverse(model.forward(x).y());
                }
                double scale = x.abs().max().item();
                assertThat(maxAbsDiff(back, x)).as(dtype + (eval ? " eval" : " train"))
                        .isLessThanOrEqualTo((dtype == DType.FLOAT64 ? 1e-10 : 1e-5) * scale);
            }
            for (int i = 0; i < 2; i++) {
                assertThat(((ResidualBlock) model.get(i)).lipschitzBound()).isLessThanOrEqualTo(0.9);
            }
        }
    }

    @Test
    void batchNormUsesBatchStatisticsInTrainingAndRunningOnesInEval() {
        InvertibleBatchNorm1d bn = IResNet.batchNorm1d(3);
        bn.to(DType.FLOAT64);
        Tensor x = Tensor.randn(new Rng(14), DType.FLOAT64, 200, 3).mul(Tensor.of(new double[] {1, 3, 0.5}, 3))
                .add(Tensor.of(new double[] {-2, 0, 5}, 3));
        IResNetResult r = bn.forward(x);
        double[] mean = r.y().mean(0).toDoubleArray();
        double[] var = r.y().var(new int[] {0}, false, false).toDoubleArray();
        double[] xVar = x.var(new int[] {0}, false, false).toDoubleArray();
        double[] xMean = x.mean(0).toDoubleArray();
        double expectedLogDet = 0;
        for (int c = 0; c < 3; c++) {
            assertThat(mean[c]).isCloseTo(0, within(1e-12));
            assertThat(var[c]).isCloseTo(1, within(1e-3));
            expectedLogDet -= 0.5 * Math.log(xVar[c] + 1e-5);
            assertThat(bn.buffer("running_mean").toDoubleArray()[c]).isCloseTo(0.1 * xMean[c], within(1e-12));
            assertThat(bn.buffer("running_var").toDoubleArray()[c])
                    .isCloseTo(0.9 + 0.1 * xVar[c] * 200 / 199, within(1e-12));
        }
        assertThat(r.logDet().toDoubleArray()[7]).isCloseTo(expectedLogDet, within(1e-12));
        assertThat(maxAbsDiff(bn.inverse(r.y()), x)).isLessThan(1e-12);
        try (var g = Grad.disabled()) {
            bn.parameter("weight").copyFrom(Tensor.of(new double[] {2, -0.5, 1.5}, 3));
            bn.parameter("bias").copyFrom(Tensor.of(new double[] {0.1, 0.2, 0.3}, 3));
        }
        bn.eval();
        Tensor x3 = Tensor.randn(new Rng(15), DType.FLOAT64, 4, 3, 5);
        assertLogDetMatchesJacobian(bn, x3, 1e-10);
        assertThat(maxAbsDiff(bn.inverse(bn.forward(x3).y()), x3)).isLessThan(1e-12);
        assertThatThrownBy(() -> bn.forward(Tensor.zeros(DType.FLOAT64, 4, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("InvertibleBatchNorm1d(3)");
    }

    @Test
    void realNvpFollowsItsFormula() {
        RealNVP nvp = new RealNVP(5, null, null, 4, null, 1.0, new Rng(16));
        nvp.to(DType.FLOAT64);
        assertThat(nvp.mask().toDoubleArray()).containsExactly(1, 0, 1, 0, 1);
        Tensor x = Tensor.randn(new Rng(17), DType.FLOAT64, 4, 5);
        assertThat(maxAbsDiff(nvp.inverse(nvp.forward(x).y()), x)).isLessThan(1e-12);
        assertLogDetMatchesJacobian(nvp, x, 1e-10);
        // leading dims (*, dim)
        Tensor x3 = Tensor.randn(new Rng(18), DType.FLOAT64, 2, 3, 5);
        IResNetResult r3 = nvp.forward(x3);
        assertThat(r3.logDet().shape()).containsExactly(2, 3);
        assertThat(maxAbsDiff(nvp.inverse(r3.y()), x3)).isLessThan(1e-12);
        // clip bounds |log s|: with huge scale outputs, |log-det| ≤ clip·dim (each value is scaled once per step)
        Linear big = new Linear(3, 3, true, new Rng(19));
        try (var g = Grad.disabled()) {
            big.weight().copyFrom(big.weight().mul(1000));
        }
        RealNVP clipped = IResNet.realNVP(3, big, null, 2, Tensor.of(new float[] {0, 1, 1}, 3), 0.25);
        IResNetResult rc = clipped.forward(Tensor.randn(new Rng(20), 8, 3).mul(3));
        assertThat(rc.logDet().abs().max().item()).isLessThanOrEqualTo(0.25 * 3 + 1e-6).isGreaterThan(0.1);
        assertThatThrownBy(() -> IResNet.realNVP(3, null, null, 2, Tensor.of(new float[] {0, 2, 1}, 3), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("zeros and ones");
    }

    @Test
    void invertible1x1ConvHasGlowsLogDet() {
        Invertible1x1Conv conv = new Invertible1x1Conv(3, new Rng(21));
        conv.to(DType.FLOAT64);
        Tensor w0 = conv.weight();
        assertThat(maxAbsDiff(w0.matmul(w0.t()), Tensor.eye(DType.FLOAT64, 3))).as("a rotation at init (float32)")
                .isLessThan(1e-6);
        try (var g = Grad.disabled()) {
            for (Tensor p : conv.parameters()) {
                p.copyFrom(p.add(Tensor.randn(new Rng(22), DType.FLOAT64, p.shape()).mul(0.3)));
            }
        }
        Tensor x = Tensor.randn(new Rng(23), DType.FLOAT64, 2, 3, 2, 4);
        IResNetResult r = conv.forward(x);
        double logAbsDetW = conv.weight().slogdet().logAbsDet().item();
        assertThat(r.logDet().toDoubleArray()[0]).isCloseTo(8 * logAbsDetW, within(1e-10));
        assertThat(Math.abs(logAbsDetW)).isGreaterThan(1e-3);
        assertLogDetMatchesJacobian(conv, x, 1e-10);
        assertThat(maxAbsDiff(conv.inverse(r.y()), x)).isLessThan(1e-12);
        Tensor v = Tensor.randn(new Rng(24), DType.FLOAT64, 5, 3);
        assertThat(maxAbsDiff(conv.forward(v).y(), v.matmul(conv.weight().t()))).isLessThan(1e-12);
        assertThat(conv.stateDict()).containsOnlyKeys("lower", "upper", "log_s", "p", "sign_s");
    }

    @Test
    void pixelShufflesMoveValuesAsDocumented() {
        Tensor img = Tensor.arange(DType.FLOAT64, 0, 2 * 4 * 6, 1).reshape(1, 2, 4, 6);
        IResNetResult down = IResNet.pixelUnshuffle2d(2).forward(img);
        assertThat(down.y().shape()).containsExactly(1, 8, 2, 3);
        // out[c·4 + i·2 + j][h][w] = in[c][2h + i][2w + j]
        Tensor out = down.y();
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    for (int h = 0; h < 2; h++) {
                        for (int w = 0; w < 3; w++) {
                            assertThat(out.select(0, 0).select(0, c * 4 + i * 2 + j).select(0, h).select(0, w).item())
                                    .isEqualTo(img.select(0, 0).select(0, c).select(0, 2 * h + i).select(0, 2 * w + j)
                                            .item());
                        }
                    }
                }
            }
        }
        assertThat(down.logDet().toDoubleArray()).containsExactly(0.0);
        assertThat(maxAbsDiff(IResNet.pixelUnshuffle2d(2).inverse(out), img)).isEqualTo(0.0);
        assertThat(maxAbsDiff(IResNet.pixelShuffle2d(2).forward(out).y(), img)).isEqualTo(0.0);

        Tensor sig = Tensor.arange(DType.FLOAT64, 0, 2 * 6, 1).reshape(1, 2, 6);
        Tensor s3 = IResNet.pixelUnshuffle1d(3).forward(sig).y();
        assertThat(s3.shape()).containsExactly(1, 6, 2);
        // out[c·3 + i][l] = in[c][3l + i]
        assertThat(s3.select(0, 0).select(0, 1 * 3 + 2).select(0, 1).item()).isEqualTo(sig.select(0, 0).select(0, 1)
                .select(0, 5).item());
        assertThat(maxAbsDiff(IResNet.pixelShuffle1d(3).forward(s3).y(), sig)).isEqualTo(0.0);
        assertThat(maxAbsDiff(IResNet.pixelShuffle1d(3).inverse(sig), s3)).isEqualTo(0.0);
        assertThatThrownBy(() -> IResNet.pixelUnshuffle2d(4).forward(img)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PixelUnshuffle2d(4)").hasMessageContaining("divisible");
    }

    @Test
    void aConvolutionalBlockReloadsFromItsStateDict() {
        ResidualBlock a = ResidualBlock.conv2d(2, 3).spatialSize(4, 4).rng(new Rng(27)).build();
        ResidualBlock b = ResidualBlock.conv2d(2, 3).spatialSize(4, 4).rng(new Rng(28)).build();
        Tensor x = Tensor.randn(new Rng(29), 2, 2, 4, 4);
        a.forward(x); // a training step moves a's vectors
        b.loadStateDict(a.stateDict(), true);
        a.eval();
        b.eval();
        assertThat(maxAbsDiff(a.forward(x).y(), b.forward(x).y())).isEqualTo(0.0);
        assertThat(a.stateDict()).containsKey("residual.0.u");
        ResidualBlock lazy = ResidualBlock.conv2d(2, 3).rng(new Rng(30)).build();
        assertThat(lazy.stateDict()).doesNotContainKey("residual.0.u");
    }

    @Test
    void sequentialAccumulatesBothTerms() {
        Rng rng = new Rng(25);
        ResidualBlock a = ResidualBlock.fcn(4, 3).rng(rng).build();
        ResidualBlock b = ResidualBlock.fcn(3, 2).rng(rng).build();
        IResNetSequential chain = IResNet.sequential(a, IResNet.realNVP(3), b);
        chain.to(DType.FLOAT64);
        chain.eval();
        Tensor x = Tensor.randn(new Rng(26), DType.FLOAT64, 3, 4);
        Tensor p0 = Tensor.of(new double[] {1, 2, 3}, 3);
        Tensor d0 = Tensor.of(new double[] {-1, 0, 1}, 3);
        IResNetResult r = chain.forward(x, p0, d0);
        IResNetResult ra = a.forward(x);
        IResNetResult rn = chain.get(1).forward(ra.y());
        IResNetResult rb = b.forward(rn.y());
        assertThat(maxAbsDiff(r.y(), rb.y())).isEqualTo(0.0);
        assertThat(maxAbsDiff(r.logP(), p0.add(ra.logP()).add(rn.logP()).add(rb.logP()))).isLessThan(1e-12);
        assertThat(maxAbsDiff(r.logDet(), d0.add(ra.logDet()).add(rn.logDet()).add(rb.logDet()))).isLessThan(1e-12);
        assertThat(chain.inverse(r.y()).shape()).containsExactly(3, 4);
        assertThatThrownBy(() -> chain.forward(x, Tensor.zeros(DType.FLOAT64, 2), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logP0");
        assertThatThrownBy(() -> chain.forward(Tensor.zeros(DType.FLOAT64, 3, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fcn(4, 3)")
                .hasMessageContaining("[B, 4]");
    }
}
