package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jinn.autograd.Grad;
import dev.jinn.tensor.Convolutions;
import dev.jinn.tensor.DType;
import dev.jinn.tensor.Rng;
import dev.jinn.tensor.Tensor;
import dev.jinn.tensor.Tensors;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Convolutions split their im2col, col2im and layout copies over the pool by whole (image, channel) or
 * (image, row) items; the results must be the same bits whether every loop is split or none is.
 */
class ConvThreadsTest {
    private final int savedThreshold = Parallel.threshold();

    @AfterEach
    void restoreThreshold() {
        Parallel.setThreshold(savedThreshold);
    }

    /** Forward values and input and weight gradients of convolutions covering every kernel path. */
    private static List<double[]> convolutions(DType dtype) {
        Rng rng = new Rng(7);
        Tensor x = Tensors.randn(rng, dtype, 6, 8, 9, 10).requiresGrad(true);
        List<Tensor> outputs = new ArrayList<>();
        List<Tensor> params = new ArrayList<>(List.of(x));
        // 3x3 same size, groups 2 (block im2col, transposed product, direct transposed path for the gradient)
        Tensor w1 = Tensors.randn(rng, dtype, 4, 4, 3, 3).requiresGrad(true);
        outputs.add(Convolutions.conv2d(x, w1, null, new int[] {1, 1}, new int[] {1, 1}, new int[] {1, 1}, 2));
        // stride 2, dilation 2, many output channels (col2im gradient)
        Tensor w2 = Tensors.randn(rng, dtype, 20, 8, 2, 3).requiresGrad(true);
        outputs.add(Convolutions.conv2d(x, w2, null, new int[] {2, 2}, new int[] {1, 0}, new int[] {2, 2}, 1));
        // pointwise
        Tensor w3 = Tensors.randn(rng, dtype, 24, 8, 1, 1).requiresGrad(true);
        outputs.add(Convolutions.conv2d(x, w3, null));
        // a stride-1 transposed conv with more input than output channels (col2im), on images large enough
        // that the pool's fixed blocks of (image, channel) items end inside an image
        Tensor x2 = Tensors.randn(rng, dtype, 3, 8, 20, 24).requiresGrad(true);
        Tensor w4 = Tensors.randn(rng, dtype, 8, 5, 3, 3).requiresGrad(true);
        outputs.add(Convolutions.convTranspose2d(x2, w4, null, new int[] {1, 1}, new int[] {0, 0}, new int[] {0, 0}, 1,
                new int[] {1, 1}));
        params.addAll(List.of(w1, w2, w3, x2, w4));
        List<Tensor> seeds = new ArrayList<>();
        for (Tensor y : outputs) {
            seeds.add(Tensors.randn(rng, dtype, y.shape()));
        }
        List<double[]> results = new ArrayList<>();
        outputs.forEach(y -> results.add(y.toDoubleArray()));
        Grad.grad(outputs, params, seeds, false).forEach(g -> results.add(g.toDoubleArray()));
        return results;
    }

    private static List<double[]> withThreshold(int threshold, Supplier<List<double[]>> run) {
        Parallel.setThreshold(threshold);
        return run.get();
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void splitAndSerialLoopsGiveTheSameBits(DType dtype) {
        List<double[]> split = withThreshold(1, () -> convolutions(dtype));
        List<double[]> serial = withThreshold(Integer.MAX_VALUE, () -> convolutions(dtype));
        assertThat(split).hasSameSizeAs(serial);
        for (int i = 0; i < split.size(); i++) {
            double[] a = split.get(i);
            double[] b = serial.get(i);
            assertThat(a).hasSameSizeAs(b);
            for (int j = 0; j < a.length; j++) {
                if (Double.doubleToRawLongBits(a[j]) != Double.doubleToRawLongBits(b[j])) {
                    throw new AssertionError("result " + i + ", element " + j + ": split " + a[j] + " != serial "
                            + b[j]);
                }
            }
        }
    }
}
