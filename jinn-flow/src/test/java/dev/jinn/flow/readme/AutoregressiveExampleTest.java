package dev.jinn.flow.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.autoregressive.InputOrder;
import dev.jinn.flow.autoregressive.MaskedRationalQuadraticAutoregressive;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

/** The README's autoregressive example: five NSF transforms on 8 features, orders alternating. */
class AutoregressiveExampleTest {
    @Test
    void buildsRunsAndInverts() {
        var inn = new SequenceINN(8);
        for (int k = 0; k < 5; k++) {
            inn.append(MaskedRationalQuadraticAutoregressive.builder().hidden(256, 256).bins(8)
                    .order(k % 2 == 0 ? InputOrder.natural() : InputOrder.reversed())
                    .rng(new Rng(k))); // seeded: the other tests' weights must not depend on this one
        }
        assertThat(inn.size()).isEqualTo(5);
        Tensor x = Tensors.randn(new Rng(1), 16, 8);
        try (var g = Grad.disabled()) {
            FlowResult z = inn.forward(x);
            assertThat(z.logDet().shape()).containsExactly(16);
            assertThat(inn.inverse(z.output()).output().sub(x).abs().max().item()).isLessThan(1e-4);
        }
    }
}
