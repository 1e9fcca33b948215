package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.coupling.MaskedAffineCoupling;
import dev.jinn.flow.linear.PermuteRandom;
import dev.jinn.flow.norm.ActNorm;
import dev.jinn.optim.Adam;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The iResNetLab adapters: blocks, abandoned features, chains, and their framework modules underneath. */
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
        List<Tensor> inputs = List.of(Tensors.randn(new Rng(4), DType.FLOAT64, 5, 3),
                Tensors.randn(new Rng(5), DType.FLOAT64, 3, 2, 4),
                Tensors.randn(new Rng(6), DType.FLOAT64, 2, 2, 2, 3));
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
        Tensor x = Tensors.randn(new Rng(8), DType.FLOAT64, 4, 3);
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
        Tensor x = Tensors.randn(new Rng(10), DType.FLOAT64, 3, 4);
        Tensor logP0 = Tensors.of(new double[] {0.5, -1.0, 2.0}, 3);
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
        assertThatThrownBy(() -> block.inverse(r.y(), Tensors.zeros(DType.FLOAT64, 3, 3)))
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
            Tensor data = Tensors.randn(new Rng(12), dtype, 64, 2).mul(Tensors.of(new double[] {2.0, 0.3}, 2).to(dtype))
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
                Tensor x = Tensors.randn(new Rng(13), dtype, 32, 2).mul(2.0);
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
    void aConvolutionalBlockReloadsFromItsStateDict() {
        ResidualBlock a = ResidualBlock.conv2d(2, 3).spatialSize(4, 4).rng(new Rng(27)).build();
        ResidualBlock b = ResidualBlock.conv2d(2, 3).spatialSize(4, 4).rng(new Rng(28)).build();
        Tensor x = Tensors.randn(new Rng(29), 2, 2, 4, 4);
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
        Tensor x = Tensors.randn(new Rng(26), DType.FLOAT64, 3, 4);
        Tensor p0 = Tensors.of(new double[] {1, 2, 3}, 3);
        Tensor d0 = Tensors.of(new double[] {-1, 0, 1}, 3);
        IResNetResult r = chain.forward(x, p0, d0);
        IResNetResult ra = a.forward(x);
        FlowResult rn = ((InvertibleModule) chain.get(1)).forward(ra.y());
        IResNetResult rb = b.forward(rn.output());
        assertThat(maxAbsDiff(r.y(), rb.y())).isEqualTo(0.0);
        assertThat(maxAbsDiff(r.logP(), p0.add(ra.logP()).add(rb.logP()))).isLessThan(1e-12);
        assertThat(maxAbsDiff(r.logDet(), d0.add(ra.logDet()).add(rn.logDet()).add(rb.logDet()))).isLessThan(1e-12);
        assertThat(chain.inverse(r.y()).shape()).containsExactly(3, 4);
        assertThat(chain.stateDict()).containsKeys("0.residual.0.weight", "1.f_log_s.0.weight", "1.mask",
                "2.residual.4.bias");
        assertThatThrownBy(() -> chain.forward(x, Tensors.zeros(DType.FLOAT64, 2), null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("logP0");
        assertThatThrownBy(() -> chain.forward(Tensors.zeros(DType.FLOAT64, 3, 5)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("fcn(4, 3)")
                .hasMessageContaining("[B, 4]");
    }

    @Test
    void leadingAxesAreFoldedIntoTheBatch() {
        IResNetSequential chain = IResNet.sequential(new MaskedAffineCoupling(List.of(Shape.of(5)), null, null, 4,
                null, 1.0, new Rng(16)), ResidualBlock.fcn(5, 4).rng(new Rng(17)).build());
        chain.to(DType.FLOAT64);
        chain.eval();
        Tensor x3 = Tensors.randn(new Rng(18), DType.FLOAT64, 2, 3, 5);
        IResNetResult r3 = chain.forward(x3, Tensors.ones(DType.FLOAT64, 2, 3), null);
        assertThat(r3.y().shape()).containsExactly(2, 3, 4);
        assertThat(r3.logP().shape()).containsExactly(2, 3);
        assertThat(r3.logDet().shape()).containsExactly(2, 3);
        IResNetResult flat = chain.forward(x3.reshape(6, 5));
        assertThat(maxAbsDiff(r3.logDet().reshape(6), flat.logDet())).isEqualTo(0.0);
        assertThat(maxAbsDiff(r3.logP().reshape(6), flat.logP().add(1.0))).isLessThan(1e-14);
        Tensor back = chain.forward(chain.inverse(r3.y())).y();
        assertThat(maxAbsDiff(back, r3.y())).isLessThan(1e-10);
    }

    @Test
    void blocksAndChainsAreSpecsOfFrameworkModulesWithTheSameParameters() {
        ResidualBlock conv = ResidualBlock.conv2d(2, 3).hidden(4).rng(new Rng(31)).build();
        IResNetSequential chain = IResNet.sequential(conv, IResNet.pixelUnshuffle2d(2),
                ResidualBlock.conv2d(8, 1).hidden(4).rng(new Rng(33)).build());
        chain.to(DType.FLOAT64);
        SequenceINN inn = new SequenceINN(2, 2, 2).append(chain);
        inn.eval();
        chain.eval();
        Tensor x = Tensors.randn(new Rng(32), DType.FLOAT64, 3, 2, 2, 2);
        FlowResult framework = inn.forward(x);
        IResNetResult lab = chain.forward(x);
        assertThat(maxAbsDiff(framework.output(), lab.y())).isEqualTo(0.0);
        assertThat(maxAbsDiff(framework.logDet(), lab.logDet())).isEqualTo(0.0);
        assertThat(inn.parameters()).hasSameSizeAs(chain.parameters());
        assertThat(conv.build(List.of(Shape.of(2, 5, 5)), List.of()).residual()).isSameAs(conv.residual());
        assertThatThrownBy(() -> new SequenceINN(4).append(IResNet.fcn(4, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("abandons 1 features");
        assertThatThrownBy(() -> IResNet.sequential(IResNet.fcn(2, 2), IResNetLayer.builder()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("module 1")
                .hasMessageContaining("built");
        assertThatThrownBy(() -> IResNet.sequential(IResNet.invertible1x1Conv(2, 4, 4)).forward(
                Tensors.zeros(2, 2, 3, 3))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 4, 4)");
    }

    @Test
    void anyBuiltFrameworkModuleIsAStepWithItsOwnKeys() {
        ActNorm norm = new ActNorm(List.of(Shape.of(3)));
        PermuteRandom permute = new PermuteRandom(List.of(Shape.of(3)), 5L);
        ResidualBlock block = ResidualBlock.fcn(3, 2).logDet(LogDetMethod.exact()).rng(new Rng(34)).build();
        IResNetSequential chain = IResNet.sequential(norm, permute, block);
        chain.to(DType.FLOAT64);
        Tensor x = Tensors.randn(new Rng(35), DType.FLOAT64, 6, 3).mul(3.0).add(1.0);
        chain.forward(x); // ActNorm initialises from this batch
        chain.eval();
        IResNetResult r = chain.forward(x);
        FlowResult n = norm.forward(x);
        FlowResult p = permute.forward(n.output());
        IResNetResult b = block.forward(p.output());
        assertThat(maxAbsDiff(r.y(), b.y())).isEqualTo(0.0);
        assertThat(maxAbsDiff(r.logDet(), n.logDet().add(p.logDet()).add(b.logDet()))).isLessThan(1e-12);
        assertThat(maxAbsDiff(r.logP(), b.logP())).isEqualTo(0.0);
        assertThat(maxAbs(n.logDet())).as("a log-det that can be wrong").isGreaterThan(1e-3);
        assertThat(chain.stateDict()).containsKeys("0.log_scale", "0.loc", "2.residual.0.weight");
        assertThat(maxAbsDiff(chain.forward(chain.inverse(r.y())).y(), r.y())).isLessThan(1e-10);
    }

    private static double maxAbs(Tensor t) {
        return t.abs().max().item();
    }
}
