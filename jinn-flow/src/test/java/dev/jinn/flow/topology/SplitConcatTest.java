package dev.jinn.flow.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.ModuleCall;
import dev.jinn.flow.ModuleSpec;
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

/** Split and Concat: conformance with several outputs / inputs, FrEIA's section rules, errors. */
class SplitConcatTest {
    static Stream<Arguments> conformanceCases() {
        return Stream.of(
                Arguments.of("Split halves", Split.spec(), List.of(Shape.of(5))),
                Arguments.of("Split sections with slack", Split.sections(1, 2), List.of(Shape.of(6))),
                Arguments.of("Split image along width", Split.nSections(3).dim(2), List.of(Shape.of(2, 2, 4))),
                Arguments.of("Concat channels", Concat.spec(), List.of(Shape.of(2), Shape.of(3))),
                Arguments.of("Concat three images along height", Concat.dim(1),
                        List.of(Shape.of(2, 1, 3), Shape.of(2, 2, 3), Shape.of(2, 1, 3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conformanceCases")
    void conforms(String label, ModuleSpec spec, List<Shape> dimsIn) {
        FlowConformance.of(label, spec, dimsIn, List.of()).run();
    }

    private static int[] sections(Split.Spec spec, int... shape) {
        return spec.build(List.of(Shape.of(shape))).sectionSizes();
    }

    @Test
    void sectionRulesFollowFreia() {
        assertThat(sections(Split.sections(2, 3), 5)).containsExactly(2, 3);
        assertThat(sections(Split.sections(2), 5)).as("slack section").containsExactly(2, 3);
        assertThat(sections(Split.sections(1, 1), 5)).as("slack section").containsExactly(1, 1, 3);
        assertThat(sections(Split.at(2), 5)).containsExactly(2, 3);
        assertThat(sections(Split.at(0), 5)).containsExactly(0, 5);
        // numpy: [len(a) for a in np.array_split(np.arange(L), n)]
        assertThat(sections(Split.spec(), 5)).containsExactly(3, 2);
        assertThat(sections(Split.nSections(3), 7)).containsExactly(3, 2, 2);
        assertThat(sections(Split.nSections(4), 10)).containsExactly(3, 3, 2, 2);
        assertThat(sections(Split.nSections(3), 9)).containsExactly(3, 3, 3);
        assertThat(sections(Split.nSections(3), 2)).containsExactly(1, 1, 0);
        assertThat(sections(Split.at(1).dim(2), 3, 4, 5)).containsExactly(1, 4);
    }

    @Test
    void splitOutputsAreTheDocumentedSlices() {
        Tensor x = Tensors.arange(DType.FLOAT64, 0, 24, 1).reshape(2, 3, 4);
        Split split = Split.sections(1).dim(1).build(List.of(Shape.of(3, 4)));
        FlowResult r = split.forward(x);
        assertThat(split.dimsOut()).containsExactly(Shape.of(3, 1), Shape.of(3, 3));
        assertThat(r.output(0).toDoubleArray()).containsExactly(0, 4, 8, 12, 16, 20);
        assertThat(r.output(1).toDoubleArray()).containsExactly(1, 2, 3, 5, 6, 7, 9, 10, 11, 13, 14, 15, 17, 18, 19,
                21, 22, 23);
        FlowResult back = ModuleCall.run(split, "split", r.outputs(), List.of(), true, true);
        assertThat(back.output().toDoubleArray()).containsExactly(x.toDoubleArray());
    }

    @Test
    void concatJoinsAlongTheAxisAndSplitsBack() {
        Rng rng = new Rng(4);
        Tensor a = Tensors.randn(rng, DType.FLOAT64, 2, 3, 1);
        Tensor b = Tensors.randn(rng, DType.FLOAT64, 2, 3, 2);
        Concat concat = (Concat) Concat.dim(1).build(List.of(Shape.of(3, 1), Shape.of(3, 2)), List.of());
        assertThat(concat.dimsOut()).containsExactly(Shape.of(3, 3));
        Tensor y = ModuleCall.run(concat, "concat", List.of(a, b), List.of(), false, true).output();
        assertThat(y.narrow(2, 0, 1).toDoubleArray()).containsExactly(a.toDoubleArray());
        assertThat(y.narrow(2, 1, 2).toDoubleArray()).containsExactly(b.toDoubleArray());
        List<Tensor> parts = concat.inverse(y).outputs();
        assertThat(parts.get(0).toDoubleArray()).containsExactly(a.toDoubleArray());
        assertThat(parts.get(1).toDoubleArray()).containsExactly(b.toDoubleArray());
    }

    @Test
    void badArgumentsFailClearly() {
        assertThatThrownBy(() -> sections(Split.sections(4, 3), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[4, 3]").hasMessageContaining("5");
        assertThatThrownBy(() -> sections(Split.sections(-1), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> sections(Split.at(5), 5))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Split.at(5)");
        assertThatThrownBy(() -> Split.nSections(1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 2");
        assertThatThrownBy(() -> sections(Split.spec().dim(1), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("axis 1").hasMessageContaining("(4,)");
        assertThatThrownBy(() -> Concat.spec().build(List.of(Shape.of(3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("more than one input");
        assertThatThrownBy(() -> Concat.spec().build(List.of(Shape.of(2, 3), Shape.of(2, 4)), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(2, 4)").hasMessageContaining("axis 0");
        assertThatThrownBy(() -> Concat.spec().build(List.of(Shape.of(2, 3), Shape.of(2)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2,)");
        assertThatThrownBy(() -> Concat.dim(2).build(List.of(Shape.of(2, 3), Shape.of(2, 3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("axis 2");
        assertThatThrownBy(() -> Split.spec().build(List.of(Shape.of(4)), List.of(Shape.of(2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no conditions");
    }
}
