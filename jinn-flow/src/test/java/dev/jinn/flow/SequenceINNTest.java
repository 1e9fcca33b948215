package dev.jinn.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.flow.testing.ScaleShift;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceINNTest {
    private static final ModuleSpec SCALE_SHIFT = (in, c) -> new ScaleShift(in, c, false);

    private static SequenceINN chain(int blocks) {
        SequenceINN inn = new SequenceINN(3);
        for (int k = 0; k < blocks; k++) {
            inn.append(SCALE_SHIFT);
        }
        inn.to(DType.FLOAT64);
        return inn;
    }

    @Test
    void aChainOfModulesPassesTheConformanceHarness() {
        FlowConformance.of("SequenceINN", (in, c) -> {
            SequenceINN inn = new SequenceINN(in.get(0));
            inn.append(SCALE_SHIFT).append(SCALE_SHIFT, 0, 4).append(SCALE_SHIFT).append(SCALE_SHIFT, 0, 4);
            return inn;
        }, List.of(Shape.of(3)), List.of(Shape.of(4))).run();
    }

    @Test
    void acceptsSpecsAndInstancesAndKeepsTheShape() {
        SequenceINN inn = new SequenceINN(3);
        inn.append(SCALE_SHIFT);
        inn.append(new ScaleShift(List.of(Shape.of(3)), List.of(), false));
        assertThat(inn.size()).isEqualTo(2);
        assertThat(inn.outputShape()).isEqualTo(Shape.of(3));
        Tensor x = Tensors.randn(new Rng(1), 5, 3);
        assertThat(inn.forward(x).output().shape()).isEqualTo(new int[] {5, 3});
        assertThat(inn.stateDict().keySet()).containsExactly("module_list.0.s", "module_list.0.t", "module_list.1.s",
                "module_list.1.t");
    }

    @Test
    void anInstanceWithWrongDimsOrAnUnexpectedConditionIsRejected() {
        SequenceINN inn = new SequenceINN(3);
        assertThatThrownBy(() -> inn.append(new ScaleShift(List.of(Shape.of(4)), List.of(), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(4,)").hasMessageContaining("(3,)");
        ScaleShift conditional = new ScaleShift(List.of(Shape.of(3)), List.of(Shape.of(2)), false);
        assertThatThrownBy(() -> inn.append(conditional)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("conditions");
        assertThatThrownBy(() -> inn.append(SCALE_SHIFT, 1, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("next new index is 0");
        inn.append(SCALE_SHIFT, 0, 2);
        assertThatThrownBy(() -> inn.append(SCALE_SHIFT, 0, 5)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(2,)").hasMessageContaining("(5,)");
    }

    @Test
    void replacingAModuleRequiresTheSameShapes() {
        SequenceINN inn = chain(3);
        ScaleShift replacement = new ScaleShift(List.of(Shape.of(3)), List.of(), false);
        inn.set(1, replacement);
        assertThat(inn.get(1)).isSameAs(replacement);
        assertThat(inn.stateDict().get("module_list.1.s")).isSameAs(replacement.parameter("s"));
        assertThatThrownBy(() -> inn.set(1, new ScaleShift(List.of(Shape.of(2)), List.of(), false)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("SequenceINN.set(1)");
        assertThatThrownBy(() -> inn.get(3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessageContaining("out of range for 3");
    }

    @Test
    void conditionsAreRoutedByIndexInBothDirections() {
        SequenceINN inn = new SequenceINN(3);
        inn.append(SCALE_SHIFT, 0, 2).append(SCALE_SHIFT, 1, 4).append(SCALE_SHIFT, 0, 2);
        inn.to(DType.FLOAT64);
        Rng rng = new Rng(2);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 4, 3);
        List<Tensor> c = List.of(Tensors.randn(rng, DType.FLOAT64, 4, 2), Tensors.randn(rng, DType.FLOAT64, 4, 4));
        FlowResult z = inn.forward(x, c);
        // By hand: each ScaleShift adds the mean of its condition (its parameters are zero).
        Tensor expected = x.add(c.get(0).mean(1).unsqueeze(1).mul(2)).add(c.get(1).mean(1).unsqueeze(1));
        assertThat(z.output().allClose(expected, 0, 1e-14)).isTrue();
        assertThat(inn.inverse(z.output(), c).output().allClose(x, 0, 1e-14)).isTrue();
        assertThatThrownBy(() -> inn.forward(x, List.of(c.get(0)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("got 1 condition").hasMessageContaining("expected 2");
        assertThatThrownBy(() -> inn.forward(x, List.of(c.get(1), c.get(0))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("condition 0 has shape [4, 4]");
    }

    @Test
    void slicesShareModulesAndANegativeStepInverts() {
        SequenceINN inn = chain(4);
        Rng rng = new Rng(5);
        for (InvertibleModule m : inn) {
            for (Tensor p : m.parameters()) {
                try (var g = dev.jinn.autograd.Grad.disabled()) {
                    p.copyFrom(Tensors.randn(rng, DType.FLOAT64, p.shape()));
                }
            }
        }
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 6, 3);
        SequenceINN head = inn.slice(0, 2, 1);
        SequenceINN tail = inn.slice(2, Integer.MAX_VALUE, 1);
        assertThat(head.size()).isEqualTo(2);
        assertThat(head.get(0)).isSameAs(inn.get(0));
        FlowResult full = inn.forward(x);
        FlowResult h = head.forward(x);
        FlowResult t = tail.forward(h.output());
        assertThat(t.output().allClose(full.output(), 0, 1e-13)).isTrue();
        assertThat(h.logDet().add(t.logDet()).allClose(full.logDet(), 0, 1e-13)).isTrue();

        SequenceINN reversed = inn.slice(-1, -5, -1);   // Python's inn[::-1] for 4 modules
        assertThat(reversed.size()).isEqualTo(4);
        assertThat(reversed.get(0)).isInstanceOf(Inverse.class);
        FlowResult back = reversed.forward(full.output());
        assertThat(back.output().allClose(x, 0, 1e-13)).isTrue();
        assertThat(back.logDet().add(full.logDet()).abs().max().item()).isLessThan(1e-13);

        assertThat(inn.slice(0, 4, 2).size()).isEqualTo(2);
        assertThat(inn.slice(3, 1, 1).size()).isZero();
        assertThatThrownBy(() -> inn.slice(0, 1, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void iterationVisitsTheModulesInOrder() {
        SequenceINN inn = chain(3);
        List<InvertibleModule> seen = new ArrayList<>();
        inn.forEach(seen::add);
        assertThat(seen).containsExactly(inn.get(0), inn.get(1), inn.get(-1));
    }

    @Test
    void inverseWrapsAModuleAndPassesTheHarness() {
        FlowConformance.of("Inverse", (in, c) -> new Inverse(new ScaleShift(in, c, false)), List.of(Shape.of(2, 2)),
                List.of(Shape.of(3))).run();
    }

    @Test
    void aModuleErrorNamesThePosition() {
        SequenceINN inn = new SequenceINN(2);
        inn.append((in, c) -> new InvertibleModule(in, c) {
            @Override
            public FlowResult forward(List<Tensor> x, List<Tensor> cc, boolean reverse, boolean jac) {
                throw new IllegalStateException("boom");
            }

            @Override
            public List<Shape> outputDims(List<Shape> inputDims) {
                return inputDims;
            }
        });
        assertThatThrownBy(() -> inn.forward(Tensors.zeros(3, 2))).isInstanceOf(FlowException.class)
                .hasMessageContaining("SequenceINN module 0").hasMessageContaining("boom");
    }
}
