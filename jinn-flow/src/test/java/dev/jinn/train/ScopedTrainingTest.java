package dev.jinn.train;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.flow.linear.PermuteRandom;
import dev.jinn.flow.norm.ActNorm;
import dev.jinn.flow.residual.IResNetLayer;
import dev.jinn.flow.residual.LogDetMethod;
import dev.jinn.flow.residual.Normalisation;
import dev.jinn.nn.Init;
import dev.jinn.optim.Adam;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Whole INNs trained step by step in storage-reuse scopes give the same bits as without: state that modules
 * create or replace during a step (ActNorm's data-dependent initialisation, spectral-norm vectors, the soft
 * permutation, Adam's moments, gradients) survives the scopes.
 */
class ScopedTrainingTest {
    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void twentyScopedStepsGiveTheLossesAndWeightsOfUnscopedOnes(DType dtype) {
        Run plain = train(dtype, false);
        Run scoped = train(dtype, true);
        assertThat(scoped.losses).doesNotContain(Double.NaN).containsExactly(plain.losses);
        assertThat(scoped.state).containsExactly(plain.state);
    }

    private record Run(double[] losses, double[] state) {
    }

    private static Run train(DType dtype, boolean scoped) {
        Init.manualSeed(11); // the subnets' initialisation draws from the default generator
        Rng rng = new Rng(11);
        SequenceINN inn = new SequenceINN(4);
        inn.append(ActNorm.spec());
        for (int k = 0; k < 2; k++) {
            inn.append(AllInOneBlock.builder().subnet(Subnets.mlp(96)).permuteSoft(true).rng(rng.split()));
            inn.append(PermuteRandom.seed(k));
        }
        inn.append(IResNetLayer.builder().internalSize(16).normalisation(Normalisation.SOFT)
                .logDet(LogDetMethod.exact()).rng(rng.split()));
        inn.to(dtype);
        Adam opt = new Adam(inn.parameters(), 1e-3);
        Tensor x = Tensors.randn(rng, dtype, 128, 4).mul(2).add(1);
        double[] losses = new double[20];
        for (int i = 0; i < losses.length; i++) {
            TensorScope s = scoped ? Tensors.scope() : null;
            try {
                opt.zeroGrad();
                FlowResult r = inn.forward(x);
                Tensor loss = Nll.perSample(r).mean();
                loss.backward();
                opt.step();
                losses[i] = loss.item();
            } finally {
                if (s != null) {
                    s.close();
                }
            }
        }
        List<Double> values = new ArrayList<>();
        for (Tensor t : inn.stateDict().values()) { // parameters and buffers (ActNorm's flag, u and v, ...)
            for (double v : t.toDoubleArray()) {
                values.add(v);
            }
        }
        for (Tensor t : opt.stateDict().values()) { // Adam's steps and moments
            for (double v : t.toDoubleArray()) {
                values.add(v);
            }
        }
        return new Run(losses, values.stream().mapToDouble(Double::doubleValue).toArray());
    }
}
