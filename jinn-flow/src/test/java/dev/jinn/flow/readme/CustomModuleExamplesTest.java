package dev.jinn.flow.readme;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.SequenceINN;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

/** FrEIA README's "basic usage example" of a custom module, in Java. */
class CustomModuleExamplesTest {
    @Test
    void basicUsageExample() {
        int batch = 10;
        var net = new SequenceINN(2);
        for (int i = 0; i < 2; i++) {
            net.append((dimsIn, dimsC) -> new FixedRandomElementwiseMultiply(dimsIn));
        }
        Tensor x = Tensors.randn(new Rng(0), batch, 2);
        FlowResult z = net.forward(x);
        FlowResult back = net.inverse(z.output());
        assertThat(back.output().allClose(x, 0, 1e-6)).isTrue();
        // The factors are 1 or 2, so each feature is scaled by 1, 2 or 4 and the log-det is a sum of ln 2's.
        double ld = z.logDet().toDoubleArray()[0];
        double twos = ld / Math.log(2);
        assertThat(Math.abs(twos - Math.rint(twos))).isLessThan(1e-5);
        for (double r : z.output().div(x).toDoubleArray()) {
            assertThat(Math.min(Math.abs(r - 1), Math.min(Math.abs(r - 2), Math.abs(r - 4)))).isLessThan(1e-5);
        }
        assertThat(z.logDet().add(back.logDet()).abs().max().item()).isLessThan(1e-6);
    }
}
