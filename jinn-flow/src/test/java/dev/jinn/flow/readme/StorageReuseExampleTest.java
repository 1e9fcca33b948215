package dev.jinn.flow.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.nn.Init;
import dev.jinn.optim.Adam;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.TensorScope;
import dev.jinn.tensor.Tensors;
import dev.jinn.train.Nll;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's storage-reuse loop (Training loops, {@code TensorScope}) as written there. */
class StorageReuseExampleTest {
    @Test
    void theScopedLoopTrainsAndWhatItMadeIsClosedAfterwards() {
        Init.manualSeed(0);
        var inn = new SequenceINN(2);
        for (int k = 0; k < 4; k++) {
            inn.append(AllInOneBlock.builder().subnet(Subnets.mlp(64)).permuteSoft(true));
        }
        var opt = new Adam(inn.parameters(), 1e-3);
        Tensor x = QuickStartTest.moons(100, 0.05, new Rng(1));
        List<Double> losses = new ArrayList<>();
        Tensor[] last = new Tensor[1];
        for (int i = 0; i < 50; i++) {
            try (TensorScope s = Tensors.scope()) {
                opt.zeroGrad();
                Tensor loss = Nll.perSample(inn.forward(x)).mean();
                loss.backward();
                opt.step();
                losses.add(loss.item());               // numbers escape freely; s.keep(t) keeps a tensor
                last[0] = loss;
            }
        }
        assertThat(losses.get(49)).isLessThan(losses.get(0));
        assertThatThrownBy(() -> last[0].item()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("TensorScope that has closed");
        assertThat(inn.parameters().get(0).grad()).isNotNull(); // gradients are the parameters', kept
    }
}
