package dev.jinn.flow.autoregressive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** MAF, IAF and the autoregressive spline through the conformance harness, plain and conditional. */
class AutoregressiveConformanceTest {
    static Stream<Arguments> transforms() {
        return Stream.of(
                Arguments.of("MAF", MaskedAffineAutoregressive.builder().hidden(16, 16).rng(new Rng(1)), List.of()),
                Arguments.of("MAF reversed, conditional", MaskedAffineAutoregressive.builder().hidden(12)
                        .order(InputOrder.reversed()).rng(new Rng(2)), List.of(Shape.of(3))),
                Arguments.of("IAF", InverseAutoregressiveFlow.builder().hidden(16, 16).rng(new Rng(3)), List.of()),
                Arguments.of("IAF random order, two conditions", InverseAutoregressiveFlow.builder().hidden(10)
                        .order(InputOrder.random(4)).rng(new Rng(4)), List.of(Shape.of(2), Shape.of(1))),
                Arguments.of("NSF", MaskedRationalQuadraticAutoregressive.builder().hidden(16, 16).bins(4)
                        .rng(new Rng(5)), List.of()),
                Arguments.of("NSF conditional, 6 bins", MaskedRationalQuadraticAutoregressive.builder().hidden(12)
                        .bins(6).order(InputOrder.random(9)).rng(new Rng(6)), List.of(Shape.of(2))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("transforms")
    void conforms(String label, ModuleSpec spec, List<Shape> conditions) {
        FlowConformance.of(label, spec, List.of(Shape.of(4)), conditions).parameterNoise(0.05).run();
    }

    @Test
    void iafIsTheOnePassInverseOfItsDensityDirection() {
        // The same MADE weights: IAF's reverse pass is MAF's forward pass.
        InvertibleModule maf = MaskedAffineAutoregressive.builder().hidden(8).rng(new Rng(7))
                .build(List.of(Shape.of(3)), List.of());
        InvertibleModule iaf = InverseAutoregressiveFlow.builder().hidden(8).rng(new Rng(7))
                .build(List.of(Shape.of(3)), List.of());
        iaf.loadStateDict(maf.stateDict(), true);
        Tensor v = Tensors.randn(new Rng(8), 5, 3);
        FlowResult a = maf.forward(v);
        FlowResult b = iaf.inverse(v);
        assertThat(b.output().toFloatArray()).containsExactly(a.output().toFloatArray());
        assertThat(b.logDet().toFloatArray()).containsExactly(a.logDet().toFloatArray());
    }

    @Test
    void theInverseFollowsMasksLoadedFromAnotherOrder() {
        // The masks are state (persistent buffers): a state dict of a reversed-order transform makes a natural-order
        // one reversed, and its D-pass inverse must still be exact.
        InvertibleModule reversed = MaskedRationalQuadraticAutoregressive.builder().hidden(12)
                .order(InputOrder.reversed()).rng(new Rng(2)).build(List.of(Shape.of(4)), List.of());
        InvertibleModule natural = MaskedRationalQuadraticAutoregressive.builder().hidden(12).rng(new Rng(3))
                .build(List.of(Shape.of(4)), List.of());
        natural.loadStateDict(reversed.stateDict(), true);
        natural.to(DType.FLOAT64);
        Tensor x = Tensors.randn(new Rng(4), DType.FLOAT64, 6, 4);
        try (var g = Grad.disabled()) {
            Tensor back = natural.inverse(natural.forward(x).output()).output();
            assertThat(back.sub(x).abs().max().item()).isLessThan(1e-10);
        }
    }

    @Test
    void stackedTransformsTrainAndWorkWithMemorySaving() {
        SequenceINN inn = new SequenceINN(4);
        for (int k = 0; k < 3; k++) {
            inn.append(MaskedRationalQuadraticAutoregressive.builder().hidden(16).bins(4)
                    .order(k % 2 == 0 ? InputOrder.natural() : InputOrder.reversed()).rng(new Rng(k)));
        }
        inn.memorySaving(true);
        Tensor x = Tensors.randn(new Rng(1), 8, 4);
        FlowResult r = inn.forward(x);
        r.output().square().sum().sub(r.logDet().sum()).backward();
        assertThat(inn.parameters()).allSatisfy(p -> assertThat(p.grad()).isNotNull());
        try (var g = Grad.disabled()) {
            Tensor back = inn.inverse(inn.forward(x).output()).output();
            assertThat(back.sub(x).abs().max().item()).isLessThan(1e-4);
        }
    }

    @Test
    void imagesAndMatrixConditionsAreRefusedByName() {
        assertThatThrownBy(() -> MaskedAffineAutoregressive.builder().build(List.of(Shape.of(3, 4, 4)), List.of()))
                .hasMessageContaining("MaskedAffineAutoregressive: takes one vector input (D,)");
        assertThatThrownBy(() -> MaskedAffineAutoregressive.builder().build(List.of(Shape.of(3)),
                List.of(Shape.of(2, 2)))).hasMessageContaining("condition 0 must be a vector");
    }
}
