package dev.jinn.flow.reshape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.flow.FlowResult;
import dev.jinn.flow.InvertibleModule;
import dev.jinn.flow.ModuleSpec;
import dev.jinn.flow.Shape;
import dev.jinn.flow.testing.FlowConformance;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The reshape modules: conformance, channel orders and Haar coefficients by hand, FrEIA state-dict keys, errors. */
class ReshapeModulesTest {
    static Stream<Arguments> conformanceCases() {
        return Stream.of(
                Arguments.of("IRevNetDownsampling", IRevNetDownsampling.spec(), Shape.of(2, 4, 6)),
                Arguments.of("IRevNetDownsampling legacy", IRevNetDownsampling.spec(true), Shape.of(3, 2, 4)),
                Arguments.of("IRevNetUpsampling", IRevNetUpsampling.spec(), Shape.of(8, 2, 3)),
                Arguments.of("IRevNetUpsampling legacy", IRevNetUpsampling.spec(true), Shape.of(8, 2, 1)),
                Arguments.of("HaarDownsampling", HaarDownsampling.spec(), Shape.of(2, 4, 4)),
                Arguments.of("HaarDownsampling by wavelet, rebalance 0.5", HaarDownsampling.spec(true, 0.5),
                        Shape.of(3, 2, 4)),
                Arguments.of("HaarDownsampling negative rebalance", HaarDownsampling.spec(false, -1.5),
                        Shape.of(1, 4, 2)),
                Arguments.of("HaarUpsampling by wavelet, rebalance 2", HaarUpsampling.spec(true, 2.0), Shape.of(8, 2, 2)),
                Arguments.of("Flatten", Flatten.spec(), Shape.of(2, 3, 2)),
                Arguments.of("Reshape", Reshape.to(3, 4), Shape.of(2, 6)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("conformanceCases")
    void conforms(String label, ModuleSpec spec, Shape shape) {
        FlowConformance.of(label, spec, List.of(shape), List.of()).run();
    }

    /** Two channels of one 2×2 patch each, written out by hand: [[1, 2], [3, 4]] and [[5, 6], [7, 8]]. */
    private static Tensor twoPatches() {
        return Tensors.of(new double[] {1, 2, 3, 4, 5, 6, 7, 8}, 1, 2, 2, 2);
    }

    @Test
    void iRevNetDefaultOrderGroupsByInputChannel() {
        Tensor y = new IRevNetDownsampling(List.of(Shape.of(2, 2, 2))).forward(twoPatches()).output();
        // channel 4c + 2dh + dw: the four pixels of channel 0 in reading order, then those of channel 1
        assertThat(y.shape()).containsExactly(1, 8, 1, 1);
        assertThat(y.toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8);
    }

    @Test
    void iRevNetLegacyOrderGroupsByPatchPosition() {
        Tensor y = new IRevNetDownsampling(List.of(Shape.of(2, 2, 2)), true).forward(twoPatches()).output();
        // channel c + C·(2dh + dw): top-left of both channels, then top-right, bottom-left, bottom-right
        assertThat(y.toDoubleArray()).containsExactly(1, 5, 2, 6, 3, 7, 4, 8);
    }

    @Test
    void iRevNetMovesEveryPixelToItsDocumentedPlace() {
        int c = 3;
        int h = 4;
        int w = 6;
        Tensor x = Tensors.arange(DType.FLOAT64, 0, c * h * w, 1).reshape(1, c, h, w);
        double[] in = x.toDoubleArray();
        for (boolean legacy : new boolean[] {false, true}) {
            double[] out = new IRevNetDownsampling(List.of(Shape.of(c, h, w)), legacy).forward(x).output()
                    .toDoubleArray();
            for (int ch = 0; ch < c; ch++) {
                for (int dh = 0; dh < 2; dh++) {
                    for (int dw = 0; dw < 2; dw++) {
                        int outCh = legacy ? ch + c * (2 * dh + dw) : 4 * ch + 2 * dh + dw;
                        for (int i = 0; i < h / 2; i++) {
                            for (int j = 0; j < w / 2; j++) {
                                assertThat(out[(outCh * (h / 2) + i) * (w / 2) + j]).as("legacy=" + legacy)
                                        .isEqualTo(in[(ch * h + 2 * i + dh) * w + 2 * j + dw]);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void iRevNetUpsamplingInvertsDownsamplingInBothOrders() {
        Tensor x = Tensors.randn(new Rng(1), DType.FLOAT64, 2, 3, 4, 2);
        for (boolean legacy : new boolean[] {false, true}) {
            Tensor y = new IRevNetDownsampling(List.of(Shape.of(3, 4, 2)), legacy).forward(x).output();
            Tensor back = new IRevNetUpsampling(List.of(Shape.of(12, 2, 1)), legacy).forward(y).output();
            assertThat(back.toDoubleArray()).containsExactly(x.toDoubleArray());
        }
    }

    @Test
    void haarOfOnePatchByHand() {
        // [[a, b], [c, d]] = [[1, 2], [3, 4]]: f·(a+b+c+d, a−b+c−d, a+b−c−d, a−b−c+d) = f·(10, −2, −4, 0)
        Tensor x = Tensors.of(new double[] {1, 2, 3, 4}, 1, 1, 2, 2);
        FlowResult r = new HaarDownsampling(List.of(Shape.of(1, 2, 2))).forward(x);
        assertThat(r.output().toDoubleArray()).containsExactly(5, -1, -2, 0);
        assertThat(r.logDet().item()).isEqualTo(0.0);

        FlowResult half = new HaarDownsampling(List.of(Shape.of(1, 2, 2)), false, 0.5).forward(x);
        assertThat(half.output().toDoubleArray()).containsExactly(2.5, -0.5, -1, 0);
        // |det| of 0.25·S per patch is 16·0.25⁴ = 1/16
        assertThat(half.logDet().item()).isCloseTo(Math.log(1.0 / 16), within(1e-12));
    }

    @Test
    void haarOrderByWaveletPutsTheAveragesFirst() {
        // channel 0 [[1, 2], [3, 4]] → (5, −1, −2, 0); channel 1 [[0, 1], [1, 0]] → (1, 0, 0, −1)
        Tensor x = Tensors.of(new double[] {1, 2, 3, 4, 0, 1, 1, 0}, 1, 2, 2, 2);
        Tensor byChannel = new HaarDownsampling(List.of(Shape.of(2, 2, 2))).forward(x).output();
        assertThat(byChannel.toDoubleArray()).containsExactly(5, -1, -2, 0, 1, 0, 0, -1);
        Tensor byWavelet = new HaarDownsampling(List.of(Shape.of(2, 2, 2)), true, 1.0).forward(x).output();
        assertThat(byWavelet.toDoubleArray()).containsExactly(5, 1, -1, 0, -2, 0, 0, -1);
        Tensor back = new HaarUpsampling(List.of(Shape.of(8, 1, 1)), true, 1.0).forward(byWavelet).output();
        assertThat(back.toDoubleArray()).containsExactly(1, 2, 3, 4, 0, 1, 1, 0);
    }

    @Test
    void haarReverseDoesNotModifyItsInput() {
        Tensor z = Tensors.randn(new Rng(2), DType.FLOAT64, 2, 8, 2, 2);
        double[] before = z.toDoubleArray();
        for (boolean byWavelet : new boolean[] {false, true}) {
            new HaarDownsampling(List.of(Shape.of(2, 4, 4)), byWavelet, 0.5).inverse(z);
            new HaarUpsampling(List.of(Shape.of(8, 2, 2)), byWavelet, 0.5).forward(z);
            assertThat(z.toDoubleArray()).as("byWavelet=" + byWavelet).containsExactly(before);
        }
    }

    @Test
    void freiaKernelsAreInTheStateDict() {
        Map<String, Tensor> haar = new HaarDownsampling(List.of(Shape.of(2, 2, 2))).stateDict();
        assertThat(haar).containsOnlyKeys("haar_weights");
        Tensor w = haar.get("haar_weights");
        assertThat(w.shape()).containsExactly(8, 1, 2, 2);
        // FrEIA's kernel, per channel: all ones, then −1 at the positions it lists for wavelets 1, 2 and 3
        assertThat(w.toDoubleArray()).containsExactly(
                1, 1, 1, 1, 1, -1, 1, -1, 1, 1, -1, -1, 1, -1, -1, 1,
                1, 1, 1, 1, 1, -1, 1, -1, 1, 1, -1, -1, 1, -1, -1, 1);

        Map<String, Tensor> irev = new IRevNetDownsampling(List.of(Shape.of(1, 2, 2))).stateDict();
        assertThat(irev).containsOnlyKeys("downsample_kernel");
        assertThat(irev.get("downsample_kernel").toDoubleArray())
                .containsExactly(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1);
        assertThat(new IRevNetDownsampling(List.of(Shape.of(1, 2, 2)), true).stateDict()).isEmpty();
        assertThat(new IRevNetUpsampling(List.of(Shape.of(8, 1, 1))).stateDict().get("downsample_kernel").shape())
                .containsExactly(8, 1, 2, 2);
    }

    @Test
    void badShapesAndOptionsFailClearly() {
        assertThatThrownBy(() -> new HaarDownsampling(List.of(Shape.of(2, 3, 4))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HaarDownsampling").hasMessageContaining("even").hasMessageContaining("(2, 3, 4)");
        assertThatThrownBy(() -> new IRevNetDownsampling(List.of(Shape.of(2, 4, 5))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(2, 4, 5)");
        assertThatThrownBy(() -> new IRevNetDownsampling(List.of(Shape.of(4))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(C, H, W)");
        assertThatThrownBy(() -> new IRevNetUpsampling(List.of(Shape.of(6, 2, 2))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiple of 4");
        assertThatThrownBy(() -> new HaarUpsampling(List.of(Shape.of(4, 2, 2)), false, 0.0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rebalance");
        assertThatThrownBy(() -> HaarDownsampling.spec(false, 0.0).build(List.of(Shape.of(1, 2, 2)), List.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("rebalance");
        assertThatThrownBy(() -> Reshape.to(5).build(List.of(Shape.of(2, 3)), List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("(2, 3)").hasMessageContaining("(5,)").hasMessageContaining("6");
        assertThatThrownBy(() -> new Flatten(List.of(Shape.of(2), Shape.of(3))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exactly one input");
        assertThatThrownBy(() -> Flatten.spec().build(List.of(Shape.of(2)), List.of(Shape.of(1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("takes no conditions");
    }

    @Test
    void flattenAndReshapeKeepRowMajorOrder() {
        Tensor x = Tensors.arange(DType.FLOAT64, 0, 12, 1).reshape(2, 2, 3);
        InvertibleModule flatten = new Flatten(List.of(Shape.of(2, 3)));
        Tensor flat = flatten.forward(x).output();
        assertThat(flat.shape()).containsExactly(2, 6);
        assertThat(flat.toDoubleArray()).containsExactly(x.toDoubleArray());
        assertThat(flatten.inverse(flat).output().shape()).containsExactly(2, 2, 3);
        assertThat(new Reshape(List.of(Shape.of(2, 3)), Shape.of(3, 1, 2)).dimsOut()).containsExactly(Shape.of(3, 1, 2));
    }
}
