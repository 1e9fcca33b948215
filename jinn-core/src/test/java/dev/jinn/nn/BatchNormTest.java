package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchNormTest {
    private static final double EPS = 1e-5;

    /** The values of each channel (dim 1) of a [N, C, ...] tensor, gathered by index arithmetic. */
    private static double[][] perChannel(Tensor x) {
        int[] s = x.shape();
        int c = s[1];
        int inner = x.numel() / (s[0] * c);
        double[] v = x.toDoubleArray();
        double[][] out = new double[c][s[0] * inner];
        int[] fill = new int[c];
        for (int i = 0; i < v.length; i++) {
            int ch = (i / inner) % c;
            out[ch][fill[ch]++] = v[i];
        }
        return out;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double var(double[] v, boolean unbiased) {
        double m = mean(v);
        double s = 0;
        for (double x : v) {
            s += (x - m) * (x - m);
        }
        return s / (v.length - (unbiased ? 1 : 0));
    }

    /** A batch whose channels have clearly different means and scales. */
    private static Tensor batch(long seed, int... shape) {
        Tensor x = Tensors.randn(new Rng(seed), DType.FLOAT64, shape);
        int[] cs = new int[shape.length];
        java.util.Arrays.fill(cs, 1);
        cs[1] = shape[1];
        double[] shift = new double[shape[1]];
        double[] scale = new double[shape[1]];
        for (int c = 0; c < shape[1]; c++) {
            shift[c] = c - 1.5;
            scale[c] = 0.5 + c;
        }
        return x.mul(Tensors.of(scale, cs)).add(Tensors.of(shift, cs));
    }

    @Test
    void trainingOutputHasZeroMeanAndUnitVariancePerChannel() {
        BatchNorm1d bn = new BatchNorm1d(4);
        bn.to(DType.FLOAT64);
        Tensor x = batch(1, 16, 4);
        double[][] in = perChannel(x);
        double[][] out = perChannel(bn.forward(x));
        for (int c = 0; c < 4; c++) {
            double v = var(in[c], false);
            assertThat(mean(out[c])).isCloseTo(0, within(1e-12));
            assertThat(var(out[c], false)).isCloseTo(v / (v + EPS), within(1e-12));
        }
        BatchNorm2d bn2 = new BatchNorm2d(3);
        bn2.to(DType.FLOAT64);
        double[][] out2 = perChannel(bn2.forward(batch(2, 2, 3, 4, 5)));
        for (int c = 0; c < 3; c++) {
            assertThat(mean(out2[c])).isCloseTo(0, within(1e-12));
            assertThat(var(out2[c], false)).isCloseTo(1, within(1e-4));
        }
    }

    @Test
    void affineParametersScaleAndShiftEachChannel() {
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.to(DType.FLOAT64);
        Init.uniform(bn.weight(), 0.5, 2, new Rng(3));
        Init.uniform(bn.bias(), -1, 1, new Rng(4));
        double[] w = bn.weight().toDoubleArray();
        double[] b = bn.bias().toDoubleArray();
        Tensor x = batch(5, 8, 3, 2);
        double[][] in = perChannel(x);
        double[][] out = perChannel(bn.forward(x));
        for (int c = 0; c < 3; c++) {
            double m = mean(in[c]);
            double inv = 1 / Math.sqrt(var(in[c], false) + EPS);
            for (int i = 0; i < in[c].length; i++) {
                assertThat(out[c][i]).isCloseTo((in[c][i] - m) * inv * w[c] + b[c], within(1e-12));
            }
        }
    }

    @Test
    void runningStatisticsFollowTheMomentumFormulaWithUnbiasedVariance() {
        BatchNorm2d bn = new BatchNorm2d(3);
        bn.to(DType.FLOAT64);
        double[] rm = {0, 0, 0};
        double[] rv = {1, 1, 1};
        for (int step = 1; step <= 3; step++) {
            Tensor x = batch(10 + step, 2, 3, 3, 2);
            double[][] in = perChannel(x);
            bn.forward(x);
            for (int c = 0; c < 3; c++) {
                rm[c] = 0.9 * rm[c] + 0.1 * mean(in[c]);
                rv[c] = 0.9 * rv[c] + 0.1 * var(in[c], true);
            }
            assertThat(bn.numBatchesTracked()).isEqualTo(step);
            double[] gotMean = bn.runningMean().toDoubleArray();
            double[] gotVar = bn.runningVar().toDoubleArray();
            for (int c = 0; c < 3; c++) {
                assertThat(gotMean[c]).isCloseTo(rm[c], within(1e-12));
                assertThat(gotVar[c]).isCloseTo(rv[c], within(1e-12));
            }
        }
    }

    @Test
    void aNullMomentumKeepsTheCumulativeAverageOfTheBatches() {
        BatchNorm1d bn = new BatchNorm1d(2, 1e-5, null);
        bn.to(DType.FLOAT64);
        List<double[][]> seen = new ArrayList<>();
        for (int step = 0; step < 4; step++) {
            Tensor x = batch(20 + step, 5, 2);
            seen.add(perChannel(x));
            bn.forward(x);
        }
        for (int c = 0; c < 2; c++) {
            double m = 0;
            double v = 0;
            for (double[][] s : seen) {
                m += mean(s[c]) / seen.size();
                v += var(s[c], true) / seen.size();
            }
            assertThat(bn.runningMean().toDoubleArray()[c]).isCloseTo(m, within(1e-12));
            assertThat(bn.runningVar().toDoubleArray()[c]).isCloseTo(v, within(1e-12));
        }
        assertThat(bn).hasToString("BatchNorm1d(2, eps=1e-05, momentum=None, affine=True, track_running_stats=True)"
                + "  # 4 parameters");
    }

    @Test
    void evalUsesTheRunningStatisticsAndLeavesThemAlone() {
        BatchNorm1d bn = new BatchNorm1d(3, 1e-3, 0.5);
        bn.to(DType.FLOAT64);
        Init.uniform(bn.weight(), 0.5, 2, new Rng(6));
        Init.uniform(bn.bias(), -1, 1, new Rng(7));
        bn.forward(batch(8, 6, 3));
        bn.forward(batch(9, 6, 3));
        bn.eval();
        double[] rm = bn.runningMean().toDoubleArray();
        double[] rv = bn.runningVar().toDoubleArray();
        double[] w = bn.weight().toDoubleArray();
        double[] b = bn.bias().toDoubleArray();
        Tensor x = batch(10, 1, 3);
        double[] xs = x.toDoubleArray();
        double[] ys = bn.forward(x).toDoubleArray();
        for (int c = 0; c < 3; c++) {
            assertThat(ys[c]).isCloseTo((xs[c] - rm[c]) / Math.sqrt(rv[c] + 1e-3) * w[c] + b[c], within(1e-12));
        }
        assertThat(bn.runningMean().toDoubleArray()).containsExactly(rm);
        assertThat(bn.numBatchesTracked()).isEqualTo(2);
    }

    @Test
    void stateDictKeysAndBuffersAreExactlyPyTorchs() {
        BatchNorm2d bn = new BatchNorm2d(4);
        assertThat(bn.stateDict().keySet())
                .containsExactly("weight", "bias", "running_mean", "running_var", "num_batches_tracked");
        Tensor count = bn.stateDict().get("num_batches_tracked");
        assertThat(count.dtype()).isEqualTo(DType.INT64);
        assertThat(count.shape()).isEmpty();
        assertThat(bn.runningMean().toFloatArray()).containsOnly(0f);
        assertThat(bn.runningVar().toFloatArray()).containsOnly(1f);
        assertThat(bn.weight().toFloatArray()).containsOnly(1f);
        assertThat(bn.bias().toFloatArray()).containsOnly(0f);
        assertThat(bn).hasToString(
                "BatchNorm2d(4, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)  # 8 parameters");
        bn.to(DType.FLOAT64);
        assertThat(bn.buffer("num_batches_tracked").dtype()).isEqualTo(DType.INT64);

        BatchNorm1d plain = new BatchNorm1d(3, 1e-5, 0.1, false, true);
        assertThat(plain.stateDict().keySet()).containsExactly("running_mean", "running_var", "num_batches_tracked");
        BatchNorm1d untracked = new BatchNorm1d(3, 1e-5, 0.1, true, false);
        assertThat(untracked.stateDict().keySet()).containsExactly("weight", "bias");
    }

    @Test
    void aStateDictRoundTripReproducesEvalOutputs() {
        BatchNorm2d source = new BatchNorm2d(2, 1e-5, 0.3, true, true);
        Init.uniform(source.weight(), 0.5, 2, new Rng(50));
        source.forward(batch(51, 3, 2, 2, 2).to(DType.FLOAT32));
        source.forward(batch(52, 3, 2, 2, 2).to(DType.FLOAT32));
        BatchNorm2d target = new BatchNorm2d(2, 1e-5, 0.3, true, true);
        target.loadStateDict(source.stateDict(), true);
        assertThat(target.numBatchesTracked()).isEqualTo(2);
        source.eval();
        target.eval();
        Tensor x = batch(53, 2, 2, 2, 2).to(DType.FLOAT32);
        assertThat(target.forward(x).toFloatArray()).containsExactly(source.forward(x).toFloatArray());
    }

    @Test
    void withoutRunningStatisticsEvalStillUsesTheBatch() {
        BatchNorm1d bn = new BatchNorm1d(2, 1e-5, 0.1, false, false);
        bn.to(DType.FLOAT64);
        bn.eval();
        double[][] out = perChannel(bn.forward(batch(30, 10, 2)));
        assertThat(mean(out[0])).isCloseTo(0, within(1e-12));
        assertThat(var(out[1], false)).isCloseTo(1, within(1e-4));
        assertThat(bn.numBatchesTracked()).isZero();
    }

    @Test
    void resetRunningStatsRestoresTheInitialValues() {
        BatchNorm1d bn = new BatchNorm1d(2);
        bn.forward(batch(31, 4, 2).to(DType.FLOAT32));
        bn.resetRunningStats();
        assertThat(bn.runningMean().toFloatArray()).containsOnly(0f);
        assertThat(bn.runningVar().toFloatArray()).containsOnly(1f);
        assertThat(bn.numBatchesTracked()).isZero();
    }

    @Test
    void gradientsMatchFiniteDifferencesInTrainingAndEval() {
        BatchNorm1d bn = new BatchNorm1d(3);
        bn.to(DType.FLOAT64);
        Init.uniform(bn.weight(), 0.5, 2, new Rng(40));
        Init.uniform(bn.bias(), -1, 1, new Rng(41));
        LayerGradCheck.check(bn, batch(42, 4, 3));
        LayerGradCheck.check(bn, batch(43, 3, 3, 2));
        BatchNorm2d bn2 = new BatchNorm2d(2);
        LayerGradCheck.check(bn2, batch(44, 2, 2, 2, 2));
        bn2.forward(batch(45, 3, 2, 2, 2));
        bn2.eval();
        LayerGradCheck.check(bn2, batch(46, 2, 2, 2, 2));
    }

    @Test
    void oneValuePerChannelInTrainingIsAClearError() {
        BatchNorm1d bn = new BatchNorm1d(4);
        assertThatThrownBy(() -> bn.forward(Tensors.zeros(1, 4)))
                .hasMessage("BatchNorm1d(4): Expected more than 1 value per channel when training, got input size [1, 4]");
        assertThat(bn.forward(Tensors.zeros(1, 4, 2)).shape()).containsExactly(1, 4, 2);
        bn.eval();
        assertThat(bn.forward(Tensors.ones(1, 4)).shape()).containsExactly(1, 4);
        BatchNorm2d bn2 = new BatchNorm2d(2);
        assertThatThrownBy(() -> bn2.forward(Tensors.zeros(1, 2, 1, 1)))
                .hasMessageContaining("Expected more than 1 value per channel when training");
    }

    @Test
    void wrongShapesAndOptionsAreRejectedClearly() {
        assertThatThrownBy(() -> new BatchNorm1d(4).forward(Tensors.zeros(2, 3)))
                .hasMessage("BatchNorm1d(4): expected input [N, 4] or [N, 4, L], got [2, 3]");
        assertThatThrownBy(() -> new BatchNorm1d(4).forward(Tensors.zeros(2, 4, 1, 1)))
                .hasMessage("BatchNorm1d(4): expected input [N, 4] or [N, 4, L], got [2, 4, 1, 1]");
        assertThatThrownBy(() -> new BatchNorm2d(3).forward(Tensors.zeros(2, 3, 4)))
                .hasMessage("BatchNorm2d(3): expected input [N, 3, H, W], got [2, 3, 4]");
        assertThatThrownBy(() -> new BatchNorm2d(3).forward(Tensors.zeros(DType.FLOAT64, 2, 3, 2, 2)))
                .hasMessageContaining("input dtype float64 differs from the layer's float32");
        assertThatThrownBy(() -> new BatchNorm1d(0)).hasMessageContaining("num_features must be positive");
        assertThatThrownBy(() -> new BatchNorm1d(2, 1e-5, 1.5)).hasMessageContaining("momentum must be in [0, 1]");
    }
}
