package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.Grad;
import org.junit.jupiter.api.Test;

class DenseStorageTest {
    @Test
    void aContiguousViewIsARunOfItsBaseArrayAndWritesThroughIt() {
        Tensor base = Tensors.arange(DType.FLOAT64, 0, 12, 1).reshape(3, 4);
        Tensor rows = base.narrow(0, 1, 2);
        DenseStorage run = rows.denseStorage();
        assertThat(run.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(run.offset()).isEqualTo(4);
        assertThat(run.length()).isEqualTo(8);
        assertThat(run.doubles()[run.offset()]).isEqualTo(4.0);
        run.doubles()[run.offset() + 7] = -1;
        assertThat(base.toDoubleArray()[11]).isEqualTo(-1.0);
        assertThat(run.sharesArrayWith(base.denseStorage())).isTrue();
        assertThat(run.sharesArrayWith(base.copy().denseStorage())).isFalse();
    }

    @Test
    void stridedAndNonFloatingTensorsHaveNoRun() {
        assertThat(Tensors.zeros(3, 4).transpose(0, 1).denseStorage()).isNull();
        assertThat(Tensors.arange(5).denseStorage()).isNull();
    }

    @Test
    void theArrayOfTheOtherTypeIsRefused() {
        DenseStorage run = Tensors.zeros(2).denseStorage();
        assertThat(run.floats()).hasSize(2);
        assertThatThrownBy(run::doubles).isInstanceOf(IllegalStateException.class)
                .hasMessage("DenseStorage: doubles() of a float32 tensor");
    }

    @Test
    void writingAParameterNeedsGradDisabled() {
        Tensor p = Tensors.zeros(2).requiresGrad(true);
        assertThatThrownBy(() -> p.writableStorage("Step")).isInstanceOf(IllegalStateException.class)
                .hasMessage("Step: in-place update of a tensor that requires a gradient (shape [2]); do it inside "
                        + "Grad.disabled()");
        try (Grad.Scope s = Grad.disabled()) {
            assertThat(p.writableStorage("Step").length()).isEqualTo(2);
        }
    }
}
