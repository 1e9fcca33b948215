package dev.jinn.flow.norm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.FlowException;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ActNorm: conformance, FrEIA's moment test on B = 256, initialisation rules, state dict, errors. */
class ActNormTest {
    @Test
    void conforms() {
        FlowConformance.of("ActNorm dense", ActNorm.spec(), List.of(Shape.of(4)), List.of()).run();
        FlowConformance.of("ActNorm image", ActNorm.spec(), List.of(Shape.of(2, 3, 3)), List.of()).run();
    }

    /** FrEIA's test data: {@code x = randn ⊙ rand + randn}, float32. */
    private static Tensor freiaStyleBatch(long seed, int... shape) {
        Rng rng = new Rng(seed);
        return Tensors.randn(rng, shape).mul(Tensors.rand(rng, shape)).add(Tensors.randn(rng, shape));
    }

    /** Per-channel mean and unbiased std over batch and pixel axes, in float64: {@code [2][C]}. */
    private static double[][] moments(Tensor y) {
        int c = y.size(1);
        Tensor perChannel = y.to(DType.FLOAT64).transpose(0, 1).reshape(c, -1);
        return new double[][] {perChannel.mean(1).toDoubleArray(),
            perChannel.std(new int[] {1}, true, false).toDoubleArray()};
    }

    @Test
    void firstForwardStandardisesTheBatch() {
        for (int[] sample : new int[][] {{20}, {3, 10, 10}}) {
            int[] shape = Shape.of(sample).withBatch(256);
            Tensor x = freiaStyleBatch(0, shape);
            ActNorm norm = new ActNorm(List.of(Shape.of(sample)));
            assertThat(norm.isInitialized()).isFalse();
            Tensor y = norm.forward(x).output();
            assertThat(norm.isInitialized()).isTrue();
            double[][] m = moments(y);
            for (int ch = 0; ch < m[0].length; ch++) {
                assertThat(Math.abs(m[0][ch])).as("mean of channel " + ch).isLessThanOrEqualTo(1e-7);
                assertThat(m[1][ch]).as("std of channel " + ch).isCloseTo(1.0, within(1e-5));
            }
        }
    }

    @Test
    void logDetIsMinusPixelsTimesTheLogScales() {
        Tensor x = freiaStyleBatch(1, 8, 2, 3, 2).to(DType.FLOAT64);
        ActNorm norm = new ActNorm(List.of(Shape.of(2, 3, 2)));
        FlowResult r = norm.forward(x);
        double[][] m = moments(x);
        double expected = -6 * (Math.log(m[1][0]) + Math.log(m[1][1]));
        for (double ld : r.logDet().toDoubleArray()) {
            assertThat(ld).isCloseTo(expected, within(1e-6));
        }
    }

    @Test
    void initialisesOnTheFirstCallInReverseToo() {
        Tensor z = freiaStyleBatch(2, 64, 3).to(DType.FLOAT64);
        ActNorm norm = new ActNorm(List.of(Shape.of(3)));
        norm.to(DType.FLOAT64);
        norm.inverse(z);
        assertThat(norm.isInitialized()).isTrue();
        // initialised from z itself, so the forward map now standardises z
        double[][] m = moments(norm.forward(z).output());
        for (int ch = 0; ch < 3; ch++) {
            assertThat(m[0][ch]).isCloseTo(0.0, within(1e-12));
            assertThat(m[1][ch]).isCloseTo(1.0, within(1e-12));
        }
    }

    @Test
    void initialisationDataGivenUpFront() {
        Tensor data = freiaStyleBatch(3, 32, 2).to(DType.FLOAT64);
        ActNorm norm = (ActNorm) ActNorm.spec(data).build(List.of(Shape.of(2)), List.of());
        assertThat(norm.isInitialized()).isTrue();
        Tensor other = freiaStyleBatch(4, 5, 2);
        norm.forward(other); // must not re-initialise from this batch
        double[][] m = moments(norm.forward(data).output());
        assertThat(m[0][0]).isCloseTo(0.0, within(1e-6));
        assertThat(m[1][1]).isCloseTo(1.0, within(1e-6));
    }

    @Test
    void zeroStandardDeviationIsAnError() {
        Tensor x = Tensors.of(new double[] {1, 5, 2, 5, 3, 5}, 3, 2); // channel 1 is constant
        ActNorm norm = new ActNorm(List.of(Shape.of(2)));
        assertThatThrownBy(() -> norm.forward(x))
                .isInstanceOf(FlowException.class)
                .hasMessageContaining("ActNorm").hasMessageContaining("channel(s) [1]")
                .hasMessageContaining("standard deviation");
        assertThat(norm.isInitialized()).isFalse();
        assertThatThrownBy(() -> new ActNorm(List.of(Shape.of(2)), Tensors.zeros(DType.FLOAT64, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two values");
        assertThatThrownBy(() -> new ActNorm(List.of(Shape.of(2)), Tensors.zeros(DType.FLOAT64, 4, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[B, 2]");
    }

    @Test
    void stateDictMatchesFreiaAndSkipsInitialisationWhenLoaded() {
        ActNorm norm = new ActNorm(List.of(Shape.of(2, 3, 3)));
        Map<String, Tensor> state = norm.stateDict();
        assertThat(state).containsOnlyKeys("log_scale", "loc", "is_initialized");
        assertThat(state.get("log_scale").shape()).containsExactly(1, 2, 1, 1);
        assertThat(state.get("loc").shape()).containsExactly(1, 2, 1, 1);
        assertThat(state.get("is_initialized").shape()).isEmpty();
        assertThat(state.get("is_initialized").dtype()).isEqualTo(DType.BOOL);

        Map<String, Tensor> freia = new LinkedHashMap<>();
        freia.put("log_scale", Tensors.of(new float[] {0.5f, -1f}, 1, 2, 1, 1));
        freia.put("loc", Tensors.of(new float[] {2f, 3f}, 1, 2, 1, 1));
        freia.put("is_initialized", Tensors.of(new boolean[] {true}).reshape());
        norm.loadStateDict(freia, true);
        assertThat(norm.isInitialized()).isTrue();
        Tensor x = Tensors.full(DType.FLOAT64, 4, 1, 2, 3, 3);
        Tensor y = norm.forward(x).output();
        assertThat(y.toDoubleArray()[0]).isCloseTo((4 - 2) * Math.exp(-0.5), within(1e-6));
        assertThat(y.toDoubleArray()[9]).isCloseTo((4 - 3) * Math.exp(1), within(1e-6));
    }
}
