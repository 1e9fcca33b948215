package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ShapeLimitsTest {
    @Test
    void hugeShapesAreRejectedEvenWhenTheProductWouldWrapALong() {
        assertThatThrownBy(() -> Tensors.zeros(65536, 65536, 65536, 65536))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tensor of shape [65536, 65536, 65536, 65536] has more elements than the supported");
        assertThatThrownBy(() -> Tensors.zeros(46341, 46341))
                .hasMessageContaining("more elements than the supported 2147483647");
    }

    @Test
    void aZeroSizeMakesAnEmptyTensorWhateverTheOtherSizes() {
        assertThat(Tensors.zeros(65536, 65536, 65536, 0).numel()).isZero();
        assertThat(Tensors.zeros(2, 0, 3).numel()).isZero();
    }

    @Test
    void emptyTensorsAreContiguousLikeInPyTorch() {
        assertThat(Tensors.of(new double[0], 2, 0, 3).isContiguous()).isTrue();
        assertThat(Tensors.zeros(2, 0, 3).transpose(0, 2).isContiguous()).isTrue();
        assertThat(Tensors.zeros(2, 3).transpose(0, 1).isContiguous()).isFalse();
    }
}
