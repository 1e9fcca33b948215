package dev.jinn.flow.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** iResNetLab's batch normalisation: batch statistics in training, running ones in eval, where it conforms. */
class InvertibleBatchNorm1dTest {
    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).abs().max().item();
    }

    /** In eval mode, after one training batch has moved the running statistics away from 0 and 1. */
    private static ModuleSpec trainedThenEval(long seed) {
        return (in, c) -> {
            InvertibleBatchNorm1d bn = new InvertibleBatchNorm1d(in);
            bn.forward(Tensors.randn(new Rng(seed), in.get(0).withBatch(16)).mul(2.0).add(0.5));
            bn.eval();
            return bn;
        };
    }

    @Test
    void conformsInEvalModeOnVectorsAndSignals() {
        FlowConformance.of("InvertibleBatchNorm1d (3,)", trainedThenEval(1), List.of(Shape.of(3)), List.of()).run();
        FlowConformance.of("InvertibleBatchNorm1d (2, 5)", trainedThenEval(2), List.of(Shape.of(2, 5)), List.of())
                .run();
    }

    @Test
    void usesBatchStatisticsInTrainingAndRunningOnesInEval() {
        InvertibleBatchNorm1d bn = new InvertibleBatchNorm1d(List.of(Shape.of(3)));
        bn.to(DType.FLOAT64);
        Tensor x = Tensors.randn(new Rng(14), DType.FLOAT64, 200, 3).mul(Tensors.of(new double[] {1, 3, 0.5}, 3))
                .add(Tensors.of(new double[] {-2, 0, 5}, 3));
        FlowResult r = bn.forward(x);
        double[] mean = r.output().mean(0).toDoubleArray();
        double[] var = r.output().var(new int[] {0}, false, false).toDoubleArray();
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
        FlowResult back = bn.inverse(r.output());
        assertThat(maxAbsDiff(back.output(), x)).as("training mode inverts the last call").isLessThan(1e-12);
        assertThat(back.logDet().toDoubleArray()[0]).isCloseTo(-expectedLogDet, within(1e-12));

        InvertibleBatchNorm1d signal = new InvertibleBatchNorm1d(List.of(Shape.of(3, 5)));
        signal.to(DType.FLOAT64);
        signal.loadStateDict(bn.stateDict(), true);
        try (var g = Grad.disabled()) {
            signal.parameter("weight").copyFrom(Tensors.of(new double[] {2, -0.5, 1.5}, 3));
            signal.parameter("bias").copyFrom(Tensors.of(new double[] {0.1, 0.2, 0.3}, 3));
        }
        signal.eval();
        Tensor x3 = Tensors.randn(new Rng(15), DType.FLOAT64, 4, 3, 5);
        double runningLogDet = 0;
        double[] gamma = {2, -0.5, 1.5};
        for (int c = 0; c < 3; c++) {
            runningLogDet += 5 * (Math.log(Math.abs(gamma[c]))
                    - 0.5 * Math.log(bn.buffer("running_var").toDoubleArray()[c] + 1e-5));
        }
        FlowResult r3 = signal.forward(x3);
        assertThat(r3.logDet().toDoubleArray()[3]).isCloseTo(runningLogDet, within(1e-12));
        assertThat(maxAbsDiff(signal.inverse(r3.output()).output(), x3)).isLessThan(1e-12);
        assertThat(bn.stateDict()).containsOnlyKeys("weight", "bias", "running_mean", "running_var");
        assertThatThrownBy(() -> signal.forward(Tensors.zeros(DType.FLOAT64, 4, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("InvertibleBatchNorm1d");
        assertThatThrownBy(() -> new InvertibleBatchNorm1d(List.of(Shape.of(2, 2, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(C, L)");
    }
}
