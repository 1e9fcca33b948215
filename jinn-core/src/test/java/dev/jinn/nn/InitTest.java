package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

class InitTest {
    /** Sample mean, (biased) variance and max |v|, computed here rather than by tensor ops. */
    private static double[] moments(Tensor t) {
        double[] v = t.toDoubleArray();
        double sum = 0;
        double max = 0;
        for (double x : v) {
            sum += x;
            max = Math.max(max, Math.abs(x));
        }
        double mean = sum / v.length;
        double ss = 0;
        for (double x : v) {
            ss += (x - mean) * (x - mean);
        }
        return new double[] {mean, ss / v.length, max};
    }

    @Test
    void fansFollowPyTorchForMatricesAndConvolutionWeights() {
        Tensor linear = Tensors.zeros(6, 4);
        assertThat(Init.fanIn(linear)).isEqualTo(4);
        assertThat(Init.fanOut(linear)).isEqualTo(6);
        Tensor conv2d = Tensors.zeros(8, 3, 5, 5);
        assertThat(Init.fanIn(conv2d)).isEqualTo(3 * 25);
        assertThat(Init.fanOut(conv2d)).isEqualTo(8 * 25);
        Tensor conv1d = Tensors.zeros(8, 2, 3);
        assertThat(Init.fanIn(conv1d)).isEqualTo(6);
        assertThat(Init.fanOut(conv1d)).isEqualTo(24);
        assertThatThrownBy(() -> Init.fanIn(Tensors.zeros(5)))
                .hasMessageContaining("fewer than 2 dimensions").hasMessageContaining("[5]");
    }

    @Test
    void gainsMatchPyTorchsTable() {
        assertThat(Init.calculateGain("linear")).isEqualTo(1.0);
        assertThat(Init.calculateGain("conv2d")).isEqualTo(1.0);
        assertThat(Init.calculateGain("sigmoid")).isEqualTo(1.0);
        assertThat(Init.calculateGain("tanh")).isEqualTo(5.0 / 3.0);
        assertThat(Init.calculateGain("relu")).isEqualTo(Math.sqrt(2));
        assertThat(Init.calculateGain("selu")).isEqualTo(0.75);
        assertThat(Init.calculateGain("leaky_relu")).isCloseTo(Math.sqrt(2 / 1.0001), within(1e-15));
        assertThat(Init.calculateGain("leaky_relu", 0.2)).isCloseTo(Math.sqrt(2 / 1.04), within(1e-15));
        // a = √5, as Linear uses: √(2 / 6)
        assertThat(Init.calculateGain("leaky_relu", Math.sqrt(5))).isCloseTo(Math.sqrt(1.0 / 3), within(1e-15));
        assertThatThrownBy(() -> Init.calculateGain("swish")).hasMessageContaining("unsupported nonlinearity 'swish'");
    }

    @Test
    void uniformHasTheBoundsAndMomentsOfTheDistribution() {
        Tensor t = Init.uniform(Tensors.zeros(400, 250), -1, 3, new Rng(1));
        double[] m = moments(t);
        assertThat(t.min().item()).isGreaterThanOrEqualTo(-1);
        assertThat(t.max().item()).isLessThan(3);
        assertThat(m[0]).isCloseTo(1.0, within(0.02));
        assertThat(m[1]).isCloseTo(16.0 / 12, within(0.03 * 16 / 12));
    }

    @Test
    void normalHasTheMeanAndStandardDeviationAsked() {
        Tensor t = Init.normal(Tensors.zeros(DType.FLOAT64, 100_000), 2.0, 0.5, new Rng(2));
        double[] m = moments(t);
        assertThat(t.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(m[0]).isCloseTo(2.0, within(0.01));
        assertThat(Math.sqrt(m[1])).isCloseTo(0.5, within(0.01));
    }

    @Test
    void xavierStandardDeviationsFollowTheGlorotFormula() {
        double gain = Init.calculateGain("tanh");
        double std = gain * Math.sqrt(2.0 / (300 + 200));
        Tensor u = Init.xavierUniform(Tensors.zeros(300, 200), gain, new Rng(3));
        double[] mu = moments(u);
        assertThat(mu[2]).isLessThanOrEqualTo(gain * Math.sqrt(6.0 / 500) * (1 + 1e-6));
        assertThat(Math.sqrt(mu[1])).isCloseTo(std, within(0.02 * std));
        Tensor n = Init.xavierNormal(Tensors.zeros(300, 200), gain, new Rng(4));
        double[] mn = moments(n);
        assertThat(mn[0]).isCloseTo(0, within(0.02 * std));
        assertThat(Math.sqrt(mn[1])).isCloseTo(std, within(0.02 * std));
    }

    @Test
    void kaimingStandardDeviationsFollowTheHeFormulaInBothFanModes() {
        Tensor u = Init.kaimingUniform(Tensors.zeros(256, 400), 0, "fan_in", "relu", new Rng(5));
        double stdIn = Math.sqrt(2) / Math.sqrt(400);
        double[] mu = moments(u);
        assertThat(mu[2]).isLessThanOrEqualTo(Math.sqrt(3) * stdIn * (1 + 1e-6));
        assertThat(Math.sqrt(mu[1])).isCloseTo(stdIn, within(0.02 * stdIn));

        // conv weight [64, 16, 3, 3]: fan_out = 64·9 = 576
        Tensor n = Init.kaimingNormal(Tensors.zeros(64, 16, 3, 3), 0, "fan_out", "relu", new Rng(6));
        double stdOut = Math.sqrt(2) / 24;
        double[] mn = moments(n);
        assertThat(mn[0]).isCloseTo(0, within(0.03 * stdOut));
        assertThat(Math.sqrt(mn[1])).isCloseTo(stdOut, within(0.03 * stdOut));

        // defaults: a = 0, fan_in, leaky_relu ⇒ std = √2 / √fan_in
        Tensor d = Init.kaimingNormal(Tensors.zeros(200, 100), new Rng(7));
        assertThat(Math.sqrt(moments(d)[1])).isCloseTo(Math.sqrt(2.0 / 100), within(0.02 * Math.sqrt(0.02)));
    }

    @Test
    void kaimingUniformWithSqrtFiveIsUniformOverOneOverSqrtFanIn() {
        Tensor w = Init.kaimingUniform(Tensors.zeros(500, 64), Math.sqrt(5), "fan_in", "leaky_relu", new Rng(8));
        double bound = 1.0 / 8;
        double[] m = moments(w);
        assertThat(m[2]).isLessThanOrEqualTo(bound * (1 + 1e-6)).isGreaterThan(0.99 * bound);
        assertThat(m[1]).isCloseTo(bound * bound / 3, within(0.03 * bound * bound / 3));
    }

    @Test
    void initialisersWriteInPlaceIntoParametersAndKeepThemLeaves() {
        Tensor p = Tensors.zeros(3, 4).requiresGrad(true);
        assertThat(Init.constant(p, 2.5)).isSameAs(p);
        assertThat(p.toFloatArray()).containsOnly(2.5f);
        Init.ones(p);
        assertThat(p.toFloatArray()).containsOnly(1f);
        Init.zeros(p);
        assertThat(p.toFloatArray()).containsOnly(0f);
        assertThat(Init.xavierUniform(p, 1, new Rng(0))).isSameAs(p);
        assertThat(p.isLeaf()).isTrue();
        assertThat(p.requiresGrad()).isTrue();
        assertThat(p.toFloatArray()).doesNotContain(0f);
        assertThat(Grad.isEnabled()).isTrue();
    }

    @Test
    void theSameSeedGivesTheSameValues() {
        Tensor a = Init.normal(Tensors.zeros(5, 5), 0, 1, new Rng(11));
        Tensor b = Init.normal(Tensors.zeros(5, 5), 0, 1, new Rng(11));
        Tensor c = Init.normal(Tensors.zeros(5, 5), 0, 1, new Rng(12));
        assertThat(a.toFloatArray()).containsExactly(b.toFloatArray());
        assertThat(a.toFloatArray()).isNotEqualTo(c.toFloatArray());
    }

    @Test
    void manualSeedMakesTheDefaultGeneratorReproducible() {
        Init.manualSeed(123);
        long first = Init.defaultRng().nextLong();
        long second = Init.defaultRng().nextLong();
        Init.manualSeed(123);
        assertThat(Init.defaultRng().nextLong()).isEqualTo(first);
        assertThat(Init.defaultRng().nextLong()).isEqualTo(second);
        assertThat(first).isNotEqualTo(second);

        Init.manualSeed(9);
        Linear a = new Linear(4, 3);
        Init.manualSeed(9);
        Linear b = new Linear(4, 3);
        assertThat(a.weight().toFloatArray()).containsExactly(b.weight().toFloatArray());
        assertThat(a.bias().toFloatArray()).containsExactly(b.bias().toFloatArray());
    }

    @Test
    void zeroElementTensorsAreLeftAlone() {
        Tensor empty = Tensors.zeros(0, 3);
        assertThat(Init.kaimingUniform(empty, new Rng(0)).numel()).isZero();
        assertThat(Init.xavierNormal(empty, 1, new Rng(0)).numel()).isZero();
    }

    @Test
    void badArgumentsAreRejectedClearly() {
        Rng rng = new Rng(0);
        assertThatThrownBy(() -> Init.kaimingUniform(Tensors.zeros(2, 2), 0, "fan_avg", "relu", rng))
                .hasMessageContaining("fan mode 'fan_avg' not supported");
        assertThatThrownBy(() -> Init.uniform(Tensors.zeros(DType.INT64, 2), 0, 1, rng))
                .hasMessageContaining("expected a floating-point tensor, got int64");
        assertThatThrownBy(() -> Init.uniform(Tensors.zeros(2), 1, 0, rng)).hasMessageContaining("lo <= hi");
        assertThatThrownBy(() -> Init.normal(Tensors.zeros(2), 0, -1, rng)).hasMessageContaining("std >= 0");
        assertThatThrownBy(() -> Init.xavierUniform(Tensors.zeros(3), 1, rng)).hasMessageContaining("fewer than 2");
    }

    @Test
    void aScopedDefaultGeneratorGivesTheDrawsOfManualSeedAndLeavesTheMasterAlone() throws Exception {
        Init.manualSeed(42);
        long[] afterManualSeed = {Init.defaultRng().nextLong(), Init.defaultRng().nextLong()};
        Init.manualSeed(7);
        long[] scoped = Init.withDefaultRng(new Rng(42), () -> new long[] {Init.defaultRng().nextLong(),
            Init.defaultRng().nextLong()});
        assertThat(scoped).containsExactly(afterManualSeed);
        // The master was neither read nor advanced: it continues exactly as after manualSeed(7).
        long next = Init.defaultRng().nextLong();
        Init.manualSeed(7);
        assertThat(next).isEqualTo(Init.defaultRng().nextLong());
        // Nested scopes restore the outer one; other threads keep drawing from the master meanwhile.
        Init.manualSeed(7);
        long[] fromOtherThread = new long[1];
        long inner = Init.withDefaultRng(new Rng(1), () -> {
            Thread t = new Thread(() -> fromOtherThread[0] = Init.defaultRng().nextLong());
            t.start();
            try {
                t.join();
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
            return Init.withDefaultRng(new Rng(2), () -> Init.defaultRng().nextLong());
        });
        assertThat(inner).isEqualTo(new Rng(2).split().nextLong());
        Init.manualSeed(7);
        assertThat(fromOtherThread[0]).isEqualTo(Init.defaultRng().nextLong());
    }
}
