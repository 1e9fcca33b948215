package dev.jinn.tensor;

import static dev.jinn.tensor.ConvOpsTest.assertClose;
import static dev.jinn.tensor.ConvOpsTest.conv;
import static dev.jinn.tensor.ConvOpsTest.conv2d;
import static dev.jinn.tensor.ConvOpsTest.convOut;
import static dev.jinn.tensor.ConvOpsTest.convTranspose2d;
import static dev.jinn.tensor.ConvOpsTest.convWeightShape;
import static dev.jinn.tensor.ConvOpsTest.naiveConv;
import static dev.jinn.tensor.ConvOpsTest.naiveTranspose;
import static dev.jinn.tensor.ConvOpsTest.randn;
import static dev.jinn.tensor.ConvOpsTest.transposeOut;
import static dev.jinn.tensor.ConvOpsTest.transposeWeightShape;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.autograd.GradCheck;
import dev.jinn.kernel.Im2col;
import dev.jinn.tensor.ConvOpsTest.Case;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The kernel paths behind the convolutions: batches split into chunks of images that share one GEMM, and
 * stride-1 transposed convolutions run as direct convolutions with the flipped kernel (or, where that does not
 * apply or costs more, through col2im). Every path is checked against direct float64 loops over the
 * definitions, for the forward map and both gradients.
 */
class ConvKernelPathsTest {
    private static final GradCheck CHECK = GradCheck.withTolerances(1e-6, 1e-5);
    private final long savedBudget = ConvOps.columnBudget();

    @AfterEach
    void restoreBudget() {
        ConvOps.setColumnBudget(savedBudget);
    }

    /** One term of a convolution's defining sum: output element {@code out} reads input {@code in} via weight {@code wt}. */
    @FunctionalInterface
    private interface Tap {
        void visit(int out, int in, int wt);
    }

    /** Visits every (output, input, weight) index triple of the convolution's definition, padding skipped. */
    private static void forEachTap(Case k, Tap tap) {
        int oh = convOut(k.h(), k.kh(), k.sh(), k.ph(), k.dh());
        int ow = convOut(k.w(), k.kw(), k.sw(), k.pw(), k.dw());
        int cg = k.cin() / k.groups();
        int og = k.cout() / k.groups();
        for (int b = 0; b < k.n(); b++) {
            for (int o = 0; o < k.cout(); o++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int out = ((b * k.cout() + o) * oh + i) * ow + j;
                        for (int c = 0; c < cg; c++) {
                            for (int a = 0; a < k.kh(); a++) {
                                for (int e = 0; e < k.kw(); e++) {
                                    int y = i * k.sh() - k.ph() + a * k.dh();
                                    int z = j * k.sw() - k.pw() + e * k.dw();
                                    if (y >= 0 && y < k.h() && z >= 0 && z < k.w()) {
                                        int ci = o / og * cg + c;
                                        tap.visit(out, ((b * k.cin() + ci) * k.h() + y) * k.w() + z,
                                                ((o * cg + c) * k.kh() + a) * k.kw() + e);
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /** d⟨conv(x, w), gy⟩/dw by its definition: Σ over batch and output positions of gy · the tap's input. */
    private static double[] naiveWeightGrad(Case k, double[] x, double[] gy) {
        double[] dw = new double[k.cout() * (k.cin() / k.groups()) * k.kh() * k.kw()];
        forEachTap(k, (out, in, wt) -> dw[wt] += gy[out] * x[in]);
        return dw;
    }

    /** d⟨conv(x, w), gy⟩/dx by its definition: every output position sends gy · w back to the pixels it read. */
    private static double[] naiveInputGrad(Case k, double[] gy, double[] w) {
        double[] dx = new double[k.n() * k.cin() * k.h() * k.w()];
        forEachTap(k, (out, in, wt) -> dx[in] += gy[out] * w[wt]);
        return dx;
    }

    // ------------------------------------------------------------------------------------------------
    // Chunks of images per GEMM

    /** Geometries of five images, so that chunks of two or three images leave a shorter last chunk. */
    static Stream<Case> chunkedCases() {
        return Stream.of(
                conv("3x3 same size, groups 2", 5, 4, 6, 5, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2),
                conv("few output channels (transposed product)", 5, 6, 5, 5, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1),
                conv("stride 2, dilation (1,2), padding (0,2)", 5, 3, 7, 8, 4, 2, 3, 2, 2, 0, 2, 1, 2, 1),
                conv("pointwise", 5, 6, 4, 3, 4, 1, 1, 1, 1, 0, 0, 1, 1, 1),
                conv("pointwise, groups 3", 5, 6, 3, 4, 3, 1, 1, 1, 1, 0, 0, 1, 1, 3));
    }

    /** The geometry {@code conv2d} hands to its kernels. */
    private static ConvOps.Geom convGeometry(Case k) {
        return new ConvOps.Geom(k.cin(), k.cout(), k.groups(), new Im2col.Geometry(k.cin() / k.groups(), k.h(),
                k.w(), k.kh(), k.kw(), k.sh(), k.sw(), k.ph(), k.pw(), k.dh(), k.dw(),
                convOut(k.h(), k.kh(), k.sh(), k.ph(), k.dh()), convOut(k.w(), k.kw(), k.sw(), k.pw(), k.dw())));
    }

    /**
     * Each case with budgets for column matrices of 1, 2 and 3 images (five images in chunks of 1, 2+2+1 and
     * 3+2), and the default budget (the whole batch), with the images per chunk that the budget allows.
     */
    static Stream<Arguments> chunkedCasesAndBudgets() {
        return chunkedCases().flatMap(k -> {
            Im2col.Geometry g = convGeometry(k).group();
            long perImage = (long) g.rows() * g.cols();
            return Stream.of(Arguments.of(k, perImage, 1), Arguments.of(k, 2 * perImage, 2),
                    Arguments.of(k, 3 * perImage, 3), Arguments.of(k, ConvOps.columnBudget(), k.n()));
        });
    }

    @ParameterizedTest(name = "{0}, budget {1}")
    @MethodSource("chunkedCasesAndBudgets")
    void chunkedBatchesGiveTheDirectSumsAndTheirGradients(Case k, long budget, int imagesPerChunk) {
        ConvOps.setColumnBudget(budget);
        assertThat(ConvOps.imagesPerGemm(convGeometry(k), k.n())).isEqualTo(imagesPerChunk);
        Tensor x = randn(101, DType.FLOAT64, k.n(), k.cin(), k.h(), k.w()).requiresGrad(true);
        Tensor w = randn(102, DType.FLOAT64, convWeightShape(k)).requiresGrad(true);
        Tensor y = conv2d(k, x, w, null);
        Tensor gy = randn(103, DType.FLOAT64, y.shape());
        assertClose(y, naiveConv(k, x.toDoubleArray(), w.toDoubleArray(), null), 1e-12);
        List<Tensor> g = Grad.grad(List.of(y), List.of(x, w), List.of(gy), false);
        assertClose(g.get(0), naiveInputGrad(k, gy.toDoubleArray(), w.toDoubleArray()), 1e-12);
        assertClose(g.get(1), naiveWeightGrad(k, x.toDoubleArray(), gy.toDoubleArray()), 1e-12);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("chunkedCases")
    void chunkedBatchesInFloat32(Case k) {
        Im2col.Geometry geometry = convGeometry(k).group();
        ConvOps.setColumnBudget(2L * geometry.rows() * geometry.cols());
        Tensor x = randn(104, DType.FLOAT32, k.n(), k.cin(), k.h(), k.w()).requiresGrad(true);
        Tensor w = randn(105, DType.FLOAT32, convWeightShape(k)).requiresGrad(true);
        Tensor y = conv2d(k, x, w, null);
        Tensor gy = randn(106, DType.FLOAT32, y.shape());
        assertClose(y, naiveConv(k, x.toDoubleArray(), w.toDoubleArray(), null), 1e-5);
        List<Tensor> g = Grad.grad(List.of(y), List.of(x, w), List.of(gy), false);
        assertClose(g.get(0), naiveInputGrad(k, gy.toDoubleArray(), w.toDoubleArray()), 1e-5);
        assertClose(g.get(1), naiveWeightGrad(k, x.toDoubleArray(), gy.toDoubleArray()), 1e-4);
    }

    @Test
    void chunkedStridedInputsGiveTheDirectSums() {
        ConvOps.setColumnBudget(1);
        Case k = conv("strided", 3, 2, 4, 5, 3, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        // every other image of a larger batch, and a channels-last layout
        Tensor every = randn(107, DType.FLOAT64, 2 * k.n(), k.cin(), k.h(), k.w()).slice(0, 0, 2 * k.n(), 2);
        Tensor last = randn(108, DType.FLOAT64, k.n(), k.h(), k.w(), k.cin()).permute(0, 3, 1, 2);
        Tensor w = randn(109, DType.FLOAT64, convWeightShape(k));
        for (Tensor x : List.of(every, last)) {
            assertThat(x.isContiguous()).isFalse();
            assertClose(conv2d(k, x, w, null), naiveConv(k, x.toDoubleArray(), w.toDoubleArray(), null), 1e-12);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Stride-1 transposed convolutions

    /** The geometry {@code convTranspose2d} hands to its kernel: the convolution it transposes. */
    private static ConvOps.Geom transposedGeometry(Case k) {
        int outH = transposeOut(k.h(), k.kh(), k.sh(), k.ph(), k.dh(), k.oph());
        int outW = transposeOut(k.w(), k.kw(), k.sw(), k.pw(), k.dw(), k.opw());
        return new ConvOps.Geom(k.cout(), k.cin(), k.groups(), new Im2col.Geometry(k.cout() / k.groups(), outH,
                outW, k.kh(), k.kw(), k.sh(), k.sw(), k.ph(), k.pw(), k.dh(), k.dw(), k.h(), k.w()));
    }

    /**
     * Transposed convolutions with stride 1: input [n, cin, h, w], weight [cin, cout/groups, kh, kw]. The direct
     * form unfolds the cin/groups input channels at the output's size, col2im the cout/groups output channels at
     * the input's size; the first five cases run directly, the last two fall back to col2im.
     */
    static Stream<Case> strideOneTransposeCases() {
        return Stream.of(
                new Case("3x3, padding 1, groups 2", 3, 4, 5, 4, 6, 3, 3, 1, 1, 1, 1, 1, 1, 2, 0, 0),
                new Case("2x3, no padding, groups 3", 2, 3, 3, 4, 6, 2, 3, 1, 1, 0, 0, 1, 1, 3, 0, 0),
                new Case("dilation (2,3), padding (1,2)", 2, 2, 4, 5, 3, 3, 2, 1, 1, 1, 2, 2, 3, 1, 0, 0),
                new Case("output padding (1,2) from dilation (2,3)", 2, 2, 3, 3, 8, 2, 2, 1, 1, 0, 1, 2, 3, 1, 1,
                        2),
                new Case("pointwise, groups 2", 2, 2, 3, 3, 4, 1, 1, 1, 1, 0, 0, 1, 1, 2, 0, 0),
                new Case("padding (2,1) beyond the kernel's reach", 2, 2, 4, 4, 3, 2, 2, 1, 1, 2, 1, 1, 1, 1, 0, 0),
                new Case("more input than output channels", 2, 6, 4, 3, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1, 0, 0));
    }

    @Test
    void eachStrideOneCaseTakesTheIntendedPath() {
        List<Case> cases = strideOneTransposeCases().toList();
        for (int i = 0; i < cases.size(); i++) {
            boolean direct = i < cases.size() - 2;
            assertThat(ConvOps.directTransposeGeometry(transposedGeometry(cases.get(i))) != null)
                    .as(cases.get(i).name()).isEqualTo(direct);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strideOneTransposeCases")
    void strideOneTransposedConvsMatchTheScatterDefinition(Case k) {
        for (DType dtype : List.of(DType.FLOAT64, DType.FLOAT32)) {
            Tensor x = randn(110, dtype, k.n(), k.cin(), k.h(), k.w());
            Tensor w = randn(111, dtype, transposeWeightShape(k));
            Tensor b = randn(112, dtype, k.cout());
            double tol = dtype == DType.FLOAT64 ? 1e-12 : 1e-5;
            assertClose(convTranspose2d(k, x, w, b),
                    naiveTranspose(k, x.toDoubleArray(), w.toDoubleArray(), b.toDoubleArray()), tol);
            // through non-contiguous views of the input and the weight
            Tensor xp = x.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);
            Tensor wf = w.flip(0).contiguous().flip(0);
            assertClose(convTranspose2d(k, xp, wf, null), naiveTranspose(k, x.toDoubleArray(), w.toDoubleArray(),
                    null), tol);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("strideOneTransposeCases")
    void strideOneTransposedConvGradientsMatchFiniteDifferences(Case k) {
        Tensor x = randn(113, DType.FLOAT64, k.n(), k.cin(), k.h(), k.w()).requiresGrad(true);
        Tensor w = randn(114, DType.FLOAT64, transposeWeightShape(k)).requiresGrad(true);
        CHECK.verify(in -> convTranspose2d(k, in[0], in[1], null), x, w);
    }

    @Test
    void strideOneConvTranspose1dMatchesItsTwoDimensionalForm() {
        Tensor x = randn(115, DType.FLOAT64, 2, 4, 7);
        Tensor w = randn(116, DType.FLOAT64, 4, 3, 3);
        // padding 1, output padding 1 (allowed by dilation 2), groups 2, dilation 2
        Case k = new Case("1-D as 2-D", 2, 4, 1, 7, 6, 1, 3, 1, 1, 0, 1, 1, 2, 2, 0, 1);
        Tensor y = Convolutions.convTranspose1d(x, w, null, 1, 1, 1, 2, 2);
        assertClose(y, naiveTranspose(k, x.toDoubleArray(), w.toDoubleArray(), null), 1e-12);
    }
}
