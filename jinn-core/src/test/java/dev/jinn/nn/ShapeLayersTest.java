package dev.jinn.nn;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import org.junit.jupiter.api.Test;

class ShapeLayersTest {
    @Test
    void flattenMergesAllButTheBatchDimByDefault() {
        Tensor x = Tensors.arange(2 * 3 * 4 * 5).reshape(2, 3, 4, 5);
        Tensor y = new Flatten().forward(x);
        assertThat(y.shape()).containsExactly(2, 60);
        assertThat(y.toLongArray()).containsExactly(x.toLongArray());
        assertThat(new Flatten(1, 2).forward(x).shape()).containsExactly(2, 12, 5);
        assertThat(new Flatten(0, -1).forward(x).shape()).containsExactly(120);
        assertThat(new Flatten(-2, -1).forward(x).shape()).containsExactly(2, 3, 20);
        assertThat(new Flatten()).hasToString("Flatten(start_dim=1, end_dim=-1)");
    }

    @Test
    void flattenNamesItselfInErrors() {
        assertThatThrownBy(() -> new Flatten(2, 1).forward(Tensors.zeros(2, 3, 4)))
                .hasMessageStartingWith("Flatten(start_dim=2, end_dim=1): ");
    }

    @Test
    void identityReturnsItsInput() {
        Tensor x = Tensors.randn(new Rng(1), 3, 2);
        assertThat(new Identity().forward(x)).isSameAs(x);
        assertThat(new Identity()).hasToString("Identity()");
        assertThat(new Identity().stateDict()).isEmpty();
    }

    @Test
    void flattenPassesGradientsThrough() {
        LayerGradCheck.check(new Flatten(), Tensors.randn(new Rng(2), 2, 2, 3));
    }
}
