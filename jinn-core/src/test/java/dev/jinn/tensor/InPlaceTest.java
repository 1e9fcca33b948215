package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class InPlaceTest {
    @Test
    void copyFromWritesThroughAViewIntoTheBaseStorage() {
        Tensor base = Tensors.zeros(DType.FLOAT64, 3, 4);
        Tensor column = base.select(1, 2);
        column.copyFrom(Tensors.of(new double[] {1, 2, 3}));
        assertThat(base.toDoubleArray()).containsExactly(0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0);
    }

    @Test
    void copyFromBroadcastsAndConvertsTheSource() {
        Tensor t = Tensors.zeros(2, 3);
        t.copyFrom(Tensors.of(new double[] {0.5, 1.5, 2.5}));
        assertThat(t.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(t.toFloatArray()).containsExactly(0.5f, 1.5f, 2.5f, 0.5f, 1.5f, 2.5f);
        t.fill(-1);
        assertThat(t.toFloatArray()).containsOnly(-1f);
    }

    /**
     * Same-type copies run over coalesced strided runs (block copies where both sides are dense); every layout
     * must still land each value in its place and leave the rest of the destination's storage alone.
     */
    @ParameterizedTest
    @EnumSource(DType.class)
    void sameTypeCopiesThroughStridedViewsPutEveryValueInPlace(DType type) {
        // Source values 1..60 (bool: odd/even) laid out [3, 4, 5], read permuted, sliced and broadcast.
        boolean[] odd = new boolean[60];
        for (int i = 0; i < odd.length; i++) {
            odd[i] = i % 2 == 0;
        }
        Tensor source = type == DType.BOOL ? Tensors.of(odd, 3, 4, 5)
                : Tensors.arange(DType.FLOAT64, 1, 61, 1).reshape(3, 4, 5).to(type);
        Tensor[] sources = {
            source,
            source.permute(2, 0, 1),
            source.slice(2, 0, 5, 2),
            source.narrow(1, 1, 1).expand(3, 4, 5),
        };
        for (Tensor src : sources) {
            int[] s = src.shape();
            // The destination is a window of a larger tensor whose first two dims are stored the other way round.
            Tensor base = Tensors.zeros(type, s[1] + 2, s[0] + 1, s[2]);
            Tensor target = base.permute(1, 0, 2).narrow(0, 1, s[0]).narrow(1, 2, s[1]);
            target.copyFrom(src);
            assertThat(target.toDoubleArray()).containsExactly(src.toDoubleArray());
            assertThat(sum(base.toDoubleArray())).isEqualTo(sum(target.toDoubleArray()));
        }
    }

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += Math.abs(v);
        }
        return s;
    }

    @Test
    void copyFromRejectsAnIncompatibleSourceShape() {
        Tensor t = Tensors.zeros(2, 3);
        assertThatThrownBy(() -> t.copyFrom(Tensors.zeros(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expand: cannot expand shape [4] to [2, 3]");
    }

    @Test
    void parametersAreUpdatedOnlyWithRecordingOff() {
        Tensor w = Tensors.ones(DType.FLOAT64, 2).requiresGrad(true);
        assertThatThrownBy(() -> w.copyFrom(Tensors.zeros(DType.FLOAT64, 2)))
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
        Tensor row = Tensors.zeros(1, 3).expand(4, 3);
        assertThatThrownBy(() -> row.fill(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot write into a broadcast view");
    }
}
