package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class InPlaceTest {
    @Test
    void copyFromWritesThroughAViewIntoTheBaseStorage() {
        Tensor base = Tensor.zeros(DType.FLOAT64, 3, 4);
        Tensor column = base.select(1, 2);
        column.copyFrom(Tensor.of(new double[] {1, 2, 3}));
        assertThat(base.toDoubleArray()).containsExactly(0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0);
    }

    @Test
    void copyFromBroadcastsAndConvertsTheSource() {
        Tensor t = Tensor.zeros(2, 3);
        t.copyFrom(Tensor.of(new double[] {0.5, 1.5, 2.5}));
        assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(t.toFloatArray()).containsExactly(0.5f, 1.5f, 2.5f, 0.5f, 1.5f, 2.5f);
        t.fill(-1);
        assertThat(t.toFloatArray()).containsOnly(-1f);
    }

    @Test
    void copyFromRejectsAnIncompatibleSourceShape() {
        Tensor t = Tensor.zeros(2, 3);
        assertThatThrownBy(() -> t.copyFrom(Tensor.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expand: cannot expand shape [4] to [2, 3]");
    }

    @Test
    void parametersAreUpdatedOnlyWithRecordingOff() {
        Tensor w = Tensor.ones(DType.FLOAT64, 2).requiresGrad(true);
        assertThatThrownBy(() -> w.copyFrom(Tensor.zeros(DType.FLOAT64, 2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("copyFrom: in-place update of a tensor that requires a gradient")
                .hasMessageContaining("Grad.disabled()");
        try (var g = Grad.disabled()) {
            w.copyFrom(w.mul(3.0));
        }
        assertThat(w.toDoubleArray()).containsExactly(3, 3);
        assertThat(w.requiresGrad()).isTrue();
        w.square().sum().backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(6, 6);
    }

    @Test
    void broadcastViewsCannotBeWritten() {
        Tensor row = Tensor.zeros(1, 3).expand(4, 3);
        assertThatThrownBy(() -> row.fill(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot write into a broadcast view");
    }
}
