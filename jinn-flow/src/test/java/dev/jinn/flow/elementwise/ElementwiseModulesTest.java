package dev.jinn.flow.elementwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.FlowException;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.Inverse;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The elementwise modules: conformance, known answers, reverse log-det signs, the sigmoid's domain. */
class ElementwiseModulesTest {
    static Stream<Arguments> conformanceCases() {
        return Stream.of(
                Arguments.of("LearnedElementwiseScaling dense", LearnedElementwiseScaling.spec(), Shape.of(3)),
                Arguments.of("LearnedElementwiseScaling image", LearnedElementwiseScaling.spec(0.5), Shape.of(2, 2, 3)),
                Arguments.of("InvAutoActTwoSided dense", InvAutoActTwoSided.spec(), Shape.of(4)),
                Arguments.of("InvAutoActTwoSided image", InvAutoActTwoSided.spec(1.5, 0.3, true), Shape.of(2, 3, 3)),
                Arguments.of("InvAutoActTwoSided fixed", InvAutoActTwoSided.spec(3, 0.2, false), Shape.of(3, 2)),
                Arguments.of("InvAutoAct dense", InvAutoAct.spec(), Shape.of(4)),
                Arguments.of("InvAutoAct image fixed", InvAutoAct.spec(1.7, false), Shape.of(2, 2, 2)),
                Arguments.of("InvertibleSigmoid dense", InvertibleSigmoid.spec(), Shape.of(3)),
                Arguments.of("InvertibleSigmoid image", InvertibleSigmoid.spec(), Shape.of(2, 3, 2)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conformanceCases")
    void conforms(String label, ModuleSpec spec, Shape shape) {
        FlowConformance.of(label, spec, List.of(shape), List.of()).run();
    }

    @Test
    void inverseSigmoidConformsOnTheOpenUnitInterval() {
        // The logit as a forward map: its inputs must lie in (0, 1).
        FlowConformance.of("Inverse(InvertibleSigmoid)", (in, c) -> new Inverse(new InvertibleSigmoid(in)),
                List.of(Shape.of(2, 3)), List.of())
                .inputs((rng, batch) -> List.of(Tensors.rand(rng, DType.FLOAT64, batch, 2, 3).mul(0.9).add(0.05)))
                .run();
    }

    @Test
    void sigmoidByHand() {
        // σ(0) = 1/2 with σ'(0) = 1/4; σ(ln 3) = 3/4 with σ' = 3/16
        Tensor x = Tensors.of(new double[] {0, Math.log(3)}, 1, 2);
        FlowResult r = new InvertibleSigmoid(List.of(Shape.of(2))).forward(x);
        assertThat(r.output().toDoubleArray()[0]).isCloseTo(0.5, within(1e-15));
        assertThat(r.output().toDoubleArray()[1]).isCloseTo(0.75, within(1e-15));
        assertThat(r.logDet().item()).isCloseTo(Math.log(0.25) + Math.log(3.0 / 16), within(1e-12));
    }

    @Test
    void sigmoidReverseOutsideTheOpenUnitIntervalIsAnError() {
        InvertibleSigmoid s = new InvertibleSigmoid(List.of(Shape.of(3)));
        for (double bad : new double[] {0, 1, -0.5, 1.5, Double.NaN}) {
            Tensor z = Tensors.of(new double[] {0.5, bad, 0.25}, 1, 3);
            assertThatThrownBy(() -> s.inverse(z)).as("value " + bad)
                    .isInstanceOf(FlowException.class)
                    .hasMessageContaining("InvertibleSigmoid").hasMessageContaining("(0, 1)")
                    .hasMessageContaining("1 of 3");
        }
    }

    @Test
    void learnedScalingReverseLogDetIsNegated() {
        LearnedElementwiseScaling m = new LearnedElementwiseScaling(List.of(Shape.of(3)), 2.0);
        assertThat(m.stateDict()).containsOnlyKeys("s");
        assertThat(m.stateDict().get("s").shape()).containsExactly(1, 3);
        Tensor x = Tensors.of(new double[] {1, -2, 3}, 1, 3);
        FlowResult f = m.forward(x);
        assertValues(f.output(), 2, -4, 6);
        assertThat(f.logDet().item()).isCloseTo(3 * Math.log(2), within(1e-6));
        FlowResult r = m.inverse(x);
        assertValues(r.output(), 0.5, -1, 1.5);
        assertThat(r.logDet().item()).as("FrEIA returns +Σs here").isCloseTo(-3 * Math.log(2), within(1e-6));
    }

    @Test
    void twoSidedSlopesByHand() {
        // default slopes: 2 for x > 0, 0.5 for x < 0; log-det ln 2 + ln 0.5 + ln 2 = ln 2
        InvAutoActTwoSided act = new InvAutoActTwoSided(List.of(Shape.of(3)));
        assertThat(act.stateDict()).containsOnlyKeys("alpha_pos", "alpha_neg");
        assertThat(act.stateDict().get("alpha_pos").shape()).containsExactly(1, 3);
        FlowResult r = act.forward(Tensors.of(new double[] {2, -2, 3}, 1, 3));
        assertValues(r.output(), 4, -1, 6);
        assertThat(r.logDet().item()).isCloseTo(Math.log(2), within(1e-6));
        FlowResult back = act.inverse(r.output());
        assertValues(back.output(), 2, -2, 3);
        assertThat(back.logDet().item()).isCloseTo(-Math.log(2), within(1e-6));
    }

    @Test
    void symmetricSlopeByHandAndFixedSlopesAreBuffers() {
        // slope 2: positive values doubled, negative ones halved; log-det ln 2 − ln 2 + ln 2
        InvAutoAct act = new InvAutoAct(List.of(Shape.of(3, 1)));
        assertThat(act.stateDict().get("alpha").shape()).containsExactly(1, 3, 1);
        FlowResult r = act.forward(Tensors.of(new double[] {1, -1, 3}, 1, 3, 1));
        assertValues(r.output(), 2, -0.5, 6);
        assertThat(r.logDet().item()).isCloseTo(Math.log(2), within(1e-6));

        InvAutoAct fixed = new InvAutoAct(List.of(Shape.of(3)), 2.0, false);
        assertThat(fixed.parameters()).isEmpty();
        assertThat(fixed.stateDict()).containsOnlyKeys("alpha");
    }

    /** The values of a result, up to the float32 rounding of the parameters (they hold {@code ln(slope)}). */
    private static void assertValues(Tensor t, double... expected) {
        double[] v = t.toDoubleArray();
        assertThat(v).hasSameSizeAs(expected);
        for (int i = 0; i < v.length; i++) {
            assertThat(v[i]).as("value " + i).isCloseTo(expected[i], within(1e-6));
        }
    }

    @Test
    void badOptionsFailClearly() {
        assertThatThrownBy(() -> new LearnedElementwiseScaling(List.of(Shape.of(2)), 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("initScale");
        assertThatThrownBy(() -> new InvAutoActTwoSided(List.of(Shape.of(2)), 2, -1, true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("alpha_neg");
        assertThatThrownBy(() -> InvertibleSigmoid.spec().build(List.of(Shape.of(2)), List.of(Shape.of(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no conditions");
    }
}
