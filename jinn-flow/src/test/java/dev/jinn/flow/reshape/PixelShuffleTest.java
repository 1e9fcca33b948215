package dev.jinn.flow.reshape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import org.junit.jupiter.api.Test;

/** iResNetLab's resize layers as framework modules: conformance, where each value goes, the i-RevNet twin. */
class PixelShuffleTest {
    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.to(DType.FLOAT64).sub(b.to(DType.FLOAT64)).abs().max().item();
    }

    @Test
    void conformsInBothDirectionsAndDimensionalities() {
        FlowConformance.of("PixelUnshuffle2d(2)", PixelShuffle.spec(2, 2, false), List.of(Shape.of(2, 4, 6)), List.of())
                .run();
        FlowConformance.of("PixelShuffle2d(3)", PixelShuffle.spec(2, 3, true), List.of(Shape.of(9, 1, 2)), List.of())
                .run();
        FlowConformance.of("PixelUnshuffle1d(3)", PixelShuffle.spec(1, 3, false), List.of(Shape.of(2, 6)), List.of())
                .run();
        FlowConformance.of("PixelShuffle1d(2)", PixelShuffle.spec(1, 2, true), List.of(Shape.of(4, 3)), List.of())
                .run();
    }

    @Test
    void pixelShufflesMoveValuesAsDocumented() {
        Tensor img = Tensors.arange(DType.FLOAT64, 0, 2 * 4 * 6, 1).reshape(1, 2, 4, 6);
        PixelShuffle unshuffle = PixelShuffle.spec(2, 2, false).build(List.of(Shape.of(2, 4, 6)));
        assertThat(unshuffle.dimsOut()).containsExactly(Shape.of(8, 2, 3));
        Tensor out = unshuffle.forward(img).output();
        // out[c·4 + i·2 + j][h][w] = in[c][2h + i][2w + j]
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 2; j++) {
                    for (int h = 0; h < 2; h++) {
                        for (int w = 0; w < 3; w++) {
                            assertThat(out.select(0, 0).select(0, c * 4 + i * 2 + j).select(0, h).select(0, w).item())
                                    .isEqualTo(img.select(0, 0).select(0, c).select(0, 2 * h + i).select(0, 2 * w + j)
                                            .item());
                        }
                    }
                }
            }
        }
        assertThat(unshuffle.forward(img).logDet().toDoubleArray()).containsExactly(0.0);
        assertThat(maxAbsDiff(unshuffle.inverse(out).output(), img)).isEqualTo(0.0);
        PixelShuffle shuffle = PixelShuffle.spec(2, 2, true).build(List.of(Shape.of(8, 2, 3)));
        assertThat(maxAbsDiff(shuffle.forward(out).output(), img)).isEqualTo(0.0);

        Tensor sig = Tensors.arange(DType.FLOAT64, 0, 2 * 6, 1).reshape(1, 2, 6);
        Tensor s3 = PixelShuffle.spec(1, 3, false).build(List.of(Shape.of(2, 6))).forward(sig).output();
        assertThat(s3.shape()).containsExactly(1, 6, 2);
        // out[c·3 + i][l] = in[c][3l + i]
        assertThat(s3.select(0, 0).select(0, 1 * 3 + 2).select(0, 1).item()).isEqualTo(sig.select(0, 0).select(0, 1)
                .select(0, 5).item());
        PixelShuffle back = PixelShuffle.spec(1, 3, true).build(List.of(Shape.of(6, 2)));
        assertThat(maxAbsDiff(back.forward(s3).output(), sig)).isEqualTo(0.0);
        assertThat(maxAbsDiff(back.inverse(sig).output(), s3)).isEqualTo(0.0);
    }

    @Test
    void theTwoByTwoUnshuffleIsIRevNetsDownsampling() {
        Tensor x = Tensors.randn(new Rng(1), DType.FLOAT64, 3, 2, 4, 6);
        Tensor ours = PixelShuffle.spec(2, 2, false).build(List.of(Shape.of(2, 4, 6))).forward(x).output();
        Tensor freia = new IRevNetDownsampling(List.of(Shape.of(2, 4, 6))).forward(x).output();
        assertThat(maxAbsDiff(ours, freia)).isEqualTo(0.0);
    }

    @Test
    void specsTellInputShapesAndRejectSizesThatDoNotDivide() {
        PixelShuffle.Spec unshuffle = PixelShuffle.spec(2, 2, false);
        assertThat(unshuffle.inputShape(Shape.of(8, 2, 3))).isEqualTo(Shape.of(2, 4, 6));
        assertThat(unshuffle.inverse()).isEqualTo(PixelShuffle.spec(2, 2, true));
        assertThat(PixelShuffle.spec(1, 3, true).outputShape(Shape.of(6, 2))).isEqualTo(Shape.of(2, 6));
        assertThatThrownBy(() -> PixelShuffle.spec(2, 4, false).build(List.of(Shape.of(2, 4, 6))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PixelUnshuffle2d(4)")
                .hasMessageContaining("divisible");
        assertThatThrownBy(() -> PixelShuffle.spec(1, 2, true).build(List.of(Shape.of(3, 4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not divisible by 2");
        assertThatThrownBy(() -> PixelShuffle.spec(1, 2, true).build(List.of(Shape.of(4, 2, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(C, L)");
        assertThatThrownBy(() -> PixelShuffle.spec(3, 2, true)).isInstanceOf(IllegalArgumentException.class);
    }
}
