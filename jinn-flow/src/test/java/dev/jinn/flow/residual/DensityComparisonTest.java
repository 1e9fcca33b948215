package dev.jinn.flow.residual;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.coupling.MaskedAffineCoupling;
import dev.jinn.optim.Adam;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A 2-D density learned by an i-ResNet against a RealNVP of similar size, both trained with the same budget
 * (steps, batch, optimizer, learning rate, data stream), compared by held-out negative log-likelihood.
 */
class DensityComparisonTest {
    /** Eight Gaussians with standard deviation 0.5 centred on the circle of radius 2. */
    private static Tensor eightGaussians(Rng rng, int n) {
        double[] v = new double[2 * n];
        for (int i = 0; i < n; i++) {
            double angle = rng.nextLong(8) * Math.PI / 4;
            v[2 * i] = 2 * Math.cos(angle) + 0.5 * rng.nextGaussian();
            v[2 * i + 1] = 2 * Math.sin(angle) + 0.5 * rng.nextGaussian();
        }
        return Tensors.of(v, n, 2).to(DType.FLOAT32);
    }

    /** −log p(x) averaged, with a standard-normal base: −(log N(y) + logP + logDet). */
    private static Tensor nll(IResNetModule m, Tensor x) {
        IResNetResult r = m.forward(x);
        return r.y().square().sum(1).mul(0.5).add(Math.log(2 * Math.PI)).sub(r.logP()).sub(r.logDet()).mean();
    }

    private static double train(IResNetModule m, Tensor heldOut) {
        Adam opt = new Adam(m.parameters(), 1e-2);
        Rng data = new Rng(5);
        for (int step = 0; step < 200; step++) {
            Tensor loss = nll(m, eightGaussians(data, 128));
            opt.zeroGrad();
            loss.backward();
            opt.step();
        }
        m.eval();
        try (var g = Grad.disabled()) {
            return nll(m, heldOut).item();
        }
    }

    @Test
    void anIResNetGetsWithinATenthOfANatOfRealNvp() {
        Tensor heldOut = eightGaussians(new Rng(999), 2000);
        Rng residualInit = new Rng(1);
        Rng couplingInit = new Rng(2);
        IResNetModule[] residual = new IResNetModule[4];
        ModuleSpec[] coupling = new ModuleSpec[4];
        for (int i = 0; i < 4; i++) {
            // Residual Flows' choice of activation; the exact log-det is the cheap one in 2-D
            residual[i] = ResidualBlock.fcn(2, 2).hidden(12).activation(LipSwish::new).logDet(LogDetMethod.exact())
                    .rng(residualInit).build();
            coupling[i] = new MaskedAffineCoupling(List.of(Shape.of(2)), null, null, 4, null, 1.0, couplingInit);
        }
        IResNetSequential iresnet = IResNet.sequential(residual);
        IResNetSequential realNvp = IResNet.sequential(coupling);
        assertThat((double) iresnet.parameterCount()).as("similar size").isCloseTo(realNvp.parameterCount(),
                org.assertj.core.data.Percentage.withPercentage(10));
        double before;
        try (var g = Grad.disabled()) {
            before = nll(iresnet, heldOut).item();
        }
        double iresnetNll = train(iresnet, heldOut);
        double realNvpNll = train(realNvp, heldOut);
        assertThat(iresnetNll).as("the i-ResNet learned").isLessThan(before - 0.5);
        assertThat(iresnetNll).as("i-ResNet " + iresnetNll + " vs RealNVP " + realNvpNll)
                .isLessThanOrEqualTo(realNvpNll + 0.1);
        // and the trained i-ResNet still inverts its samples
        Tensor z = Tensors.randn(new Rng(7), 256, 2);
        try (var g = Grad.disabled()) {
            Tensor x = iresnet.inverse(z);
            assertThat(iresnet.forward(x).y().sub(z).abs().max().item()).isLessThan(1e-4);
        }
    }
}
