package dev.jinn.flow.reshape;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Shape;
import dev.jinn.flow.elementwise.InvAutoActTwoSided;
import dev.jinn.flow.elementwise.InvertibleSigmoid;
import dev.jinn.flow.elementwise.LearnedElementwiseScaling;
import dev.jinn.flow.linear.Fixed1x1Conv;
import dev.jinn.flow.linear.FixedLinearTransform;
import dev.jinn.flow.linear.PermuteRandom;
import dev.jinn.flow.norm.ActNorm;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The zoo's specs appended to a {@link SequenceINN}, shapes inferred as in FrEIA, and the chain as one flow. */
class ZooSequenceTest {
    private static SequenceINN chain() {
        Rng rng = new Rng(11);
        Tensor mix = Tensors.eye(DType.FLOAT64, 2).add(Tensors.randn(rng, DType.FLOAT64, 2, 2).mul(0.3));
        Tensor dense = Tensors.eye(DType.FLOAT64, 32).add(Tensors.randn(rng, DType.FLOAT64, 32, 32).mul(0.05));
        return new SequenceINN(2, 4, 4)
                .append(ActNorm.spec())
                .append(HaarDownsampling.spec(true, 0.5))
                .append(PermuteRandom.seed(1))
                .append(InvAutoActTwoSided.spec())
                .append(IRevNetUpsampling.spec(true))
                .append(Fixed1x1Conv.spec(mix))
                .append(Flatten.spec())
                .append(LearnedElementwiseScaling.spec(1.5))
                .append(FixedLinearTransform.spec(dense))
                .append(InvertibleSigmoid.spec());
    }

    @Test
    void specsInferTheirShapesInASequence() {
        SequenceINN inn = chain();
        assertThat(inn.get(1).dimsOut()).containsExactly(Shape.of(8, 2, 2));
        assertThat(inn.get(4).dimsOut()).containsExactly(Shape.of(2, 4, 4));
        assertThat(inn.outputShape()).isEqualTo(Shape.of(32));
        assertThat(inn.stateDict()).containsKeys("module_list.0.log_scale", "module_list.0.is_initialized",
                "module_list.1.haar_weights", "module_list.2.perm", "module_list.3.alpha_pos",
                "module_list.5.M_inv", "module_list.7.s", "module_list.8.logDetM");
    }

    @Test
    void theChainConforms() {
        FlowConformance.of("zoo chain", (in, c) -> chain(), List.of(Shape.of(2, 4, 4)), List.of())
                .batch(2).run();
    }
}
