package dev.jinn.flow.autoregressive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import dev.jinn.nn.ReLU;
import dev.jinn.nn.Tanh;
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

/** MADE's masks: output d depends on exactly the inputs before d in the order (and on the whole context). */
class MADETest {
    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("natural", InputOrder.natural(), 5, new int[] {16, 16}, 0, 2),
                Arguments.of("reversed", InputOrder.reversed(), 4, new int[] {8}, 0, 3),
                Arguments.of("random", InputOrder.random(7), 6, new int[] {12, 9, 10}, 0, 1),
                Arguments.of("given", InputOrder.given(2, 0, 3, 1), 4, new int[] {6, 6}, 0, 2),
                Arguments.of("no hidden layer", InputOrder.random(3), 4, new int[0], 0, 2),
                Arguments.of("with context", InputOrder.natural(), 3, new int[] {8, 8}, 2, 2),
                Arguments.of("one dimension with context", InputOrder.natural(), 1, new int[] {4}, 3, 2));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void theJacobianIsStrictlyTriangularInTheOrder(String label, InputOrder order, int dims, int[] hidden, int context,
            int k) {
        MADE made = new MADE(dims, context, hidden, k, order, Tanh::new, new Rng(11));
        made.to(DType.FLOAT64);
        int[] place = new int[dims];
        int[] seq = order.sequence(dims);
        for (int p = 0; p < dims; p++) {
            place[seq[p]] = p;
        }
        Rng rng = new Rng(2);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 3, dims).requiresGrad(true);
        Tensor c = context == 0 ? null : Tensors.randn(rng, DType.FLOAT64, 3, context).requiresGrad(true);
        Tensor out = made.forward(x, c);
        assertThat(out.shape()).containsExactly(3, dims * k);
        for (int d = 0; d < dims; d++) {
            for (int p = 0; p < k; p++) {
                Tensor unit = out.narrow(1, d * k + p, 1).sum();
                List<Tensor> g = Grad.grad(List.of(unit), c == null ? List.of(x) : List.of(x, c), null, false,
                        true);
                double[] gx = g.get(0).abs().sum(0).toDoubleArray();
                for (int i = 0; i < dims; i++) {
                    if (place[i] >= place[d]) {
                        assertThat(gx[i]).as(label + ": output (%d, %d) must not see input %d", d, p, i).isZero();
                    } else if (hidden.length <= 1 || place[i] == place[d] - 1) {
                        // Every allowed path is present with enough hidden units; a zero would mean a lost link.
                        assertThat(gx[i]).as(label + ": output (%d, %d) should see input %d", d, p, i).isPositive();
                    }
                }
                if (c != null) {
                    assertThat(g.get(1).abs().sum().item()).as(label + ": output sees the context").isPositive();
                }
            }
        }
    }

    @Test
    void ordersAreCheckedAndSeededOrdersRepeat() {
        assertThat(InputOrder.random(5).sequence(7)).isEqualTo(InputOrder.random(5).sequence(7));
        assertThat(InputOrder.random(5).sequence(7)).isNotEqualTo(InputOrder.random(6).sequence(7));
        assertThat(InputOrder.reversed().sequence(3)).containsExactly(2, 1, 0);
        assertThatThrownBy(() -> InputOrder.given(0, 0, 1).sequence(3))
                .hasMessage("InputOrder: [0, 0, 1] is not a permutation of the 3 input dimensions");
        assertThatThrownBy(() -> new MADE(3, 0, new int[] {0}, 2, InputOrder.natural(), ReLU::new, new Rng(1)))
                .hasMessageContaining("hidden widths must be >= 1");
        MADE made = new MADE(3, 0, new int[] {4}, 2, InputOrder.natural(), ReLU::new, new Rng(1));
        assertThatThrownBy(() -> made.forward(Tensors.zeros(2, 4), null))
                .hasMessage("MADE: expected inputs [B, 3], got [2, 4]");
        assertThat(made.stateDict()).containsKeys("net.0.weight", "net.0.bias", "net.0.mask", "net.2.weight",
                "net.2.mask");
    }
}
