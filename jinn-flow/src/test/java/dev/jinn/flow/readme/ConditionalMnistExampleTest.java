package dev.jinn.flow.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.flow.Subnets;
import dev.jinn.flow.coupling.AllInOneBlock;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** FrEIA README's conditional INN for MNIST: 12 conditional AllInOneBlocks on 784 dims, on random data. */
class ConditionalMnistExampleTest {
    @Test
    void buildsRunsAndInvertsOnMnistShapedData() {
        var cinn = new SequenceINN(28 * 28);
        for (int k = 0; k < 12; k++) {
            cinn.append(AllInOneBlock.builder().subnet(Subnets.mlp(512)), 0, 10);
        }
        assertThat(cinn.size()).isEqualTo(12);
        assertThat(cinn.dimsC()).hasSize(1);
        // Each block: subnet Linear(392 + 10 → 512) and Linear(512 → 2·392), global scale and offset (784 each),
        // and a hard permutation held in buffers (no parameters).
        long perBlock = (402L * 512 + 512) + (512L * 784 + 784) + 2 * 784;
        assertThat(cinn.parameterCount()).isEqualTo(12 * perBlock);

        Rng rng = new Rng(3);
        Tensor x = Tensors.randn(rng, 4, 784);
        Tensor labels = Tensors.zeros(4, 10);
        try (var g = Grad.disabled()) {
            for (int i = 0; i < 4; i++) {
                labels.select(0, i).select(0, (3 * i) % 10).fill(1);
            }
        }
        List<Tensor> c = List.of(labels);
        try (var g = Grad.disabled()) {
            FlowResult z = cinn.forward(x, c);
            assertThat(z.output().shape()).isEqualTo(new int[] {4, 784});
            assertThat(z.logDet().shape()).isEqualTo(new int[] {4});
            FlowResult back = cinn.inverse(z.output(), c);
            assertThat(back.output().sub(x).abs().max().item()).isLessThan(1e-4);
            assertThat(z.logDet().add(back.logDet()).abs().max().item()).isLessThan(1e-3);
            // The condition matters: another label gives another latent code.
            FlowResult other = cinn.forward(x, List.of(labels.flip(0)));
            assertThat(other.output().sub(z.output()).abs().max().item()).isGreaterThan(1e-3);
        }
    }
}
