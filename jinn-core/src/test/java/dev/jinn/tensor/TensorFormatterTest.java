package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Expected strings are what PyTorch prints for the same tensors (torch's {@code dtype=torch.float64} is
 * written {@code dtype=float64} here, and grad_fn names carry no trailing index).
 */
class TensorFormatterTest {
    private static float[] floats(double... v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }

    @Test
    void matrixOfIntegerValuedFloats() {
        assertThat(Tensors.of(new float[] {1, 2, 3, 4}, 2, 2).toString())
                .isEqualTo("tensor([[1., 2.],\n        [3., 4.]])");
        assertThat(Tensors.of(floats(1, 100)).toString()).isEqualTo("tensor([  1., 100.])");
        assertThat(Tensors.of(floats(-1, 0, 3)).toString()).isEqualTo("tensor([-1.,  0.,  3.])");
    }

    @Test
    void scalars() {
        assertThat(Tensors.scalar(3.5).toString()).isEqualTo("tensor(3.5000)");
        assertThat(Tensors.scalar(3).toString()).isEqualTo("tensor(3.)");
        assertThat(Tensors.scalar(0).toString()).isEqualTo("tensor(0.)");
        assertThat(Tensors.scalar(-2.25, DType.FLOAT64).toString()).isEqualTo("tensor(-2.2500, dtype=float64)");
        assertThat(Tensors.scalar(7, DType.INT64).toString()).isEqualTo("tensor(7)");
        assertThat(Tensors.scalar(1, DType.BOOL).toString()).isEqualTo("tensor(True)");
        assertThat(Tensors.scalar(1e-5).toString()).isEqualTo("tensor(1.0000e-05)");
    }

    @Test
    void fixedPointAlignment() {
        assertThat(Tensors.of(floats(-1.5, 2.25)).toString()).isEqualTo("tensor([-1.5000,  2.2500])");
        assertThat(Tensors.of(floats(0.5, 100)).toString()).isEqualTo("tensor([  0.5000, 100.0000])");
        assertThat(Tensors.of(new double[] {1.5, 2}).toString()).isEqualTo("tensor([1.5000, 2.0000], dtype=float64)");
        assertThat(Tensors.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3).t().mul(0.5).toString())
                .isEqualTo("tensor([[0.5000, 2.0000],\n        [1.0000, 2.5000],\n        [1.5000, 3.0000]])");
    }

    @Test
    void roundsHalfToEvenLikePython() {
        // 0.03125 and 0.09375 are exact binary fractions halfway between two 4-decimal numbers
        assertThat(Tensors.of(new double[] {0.03125, 0.09375, 1}).toString())
                .isEqualTo("tensor([0.0312, 0.0938, 1.0000], dtype=float64)");
        assertThat(Tensors.of(new double[] {1.03125, 1e-5}).toString())
                .isEqualTo("tensor([1.0312e+00, 1.0000e-05], dtype=float64)");
        assertThat(Tensors.of(new double[] {2.5, 1.5}).toString()).isEqualTo("tensor([2.5000, 1.5000], dtype=float64)");
    }

    @Test
    void scientificNotation() {
        assertThat(Tensors.of(floats(1e-5, 1)).toString()).isEqualTo("tensor([1.0000e-05, 1.0000e+00])");
        // more than 1000x between the smallest and largest nonzero magnitude
        assertThat(Tensors.of(floats(0.001, 10)).toString()).isEqualTo("tensor([1.0000e-03, 1.0000e+01])");
        assertThat(Tensors.of(floats(1, 2000)).toString()).isEqualTo("tensor([1.0000e+00, 2.0000e+03])");
        assertThat(Tensors.of(floats(1, 1000)).toString()).isEqualTo("tensor([   1., 1000.])");
        assertThat(Tensors.of(floats(1e9, 1e9)).toString()).isEqualTo("tensor([1.0000e+09, 1.0000e+09])");
        assertThat(Tensors.of(new double[] {-1e-5, 1}).toString())
                .isEqualTo("tensor([-1.0000e-05,  1.0000e+00], dtype=float64)");
        assertThat(Tensors.of(new double[] {0, 1e-5}).toString())
                .isEqualTo("tensor([0.0000e+00, 1.0000e-05], dtype=float64)");
        assertThat(Tensors.of(new double[] {9.99996, 0.001}).toString())
                .isEqualTo("tensor([1.0000e+01, 1.0000e-03], dtype=float64)");
        assertThat(Tensors.of(new double[] {1e120, 1}).toString())
                .isEqualTo("tensor([1.0000e+120,  1.0000e+00], dtype=float64)");
    }

    @Test
    void nonFiniteValues() {
        assertThat(Tensors.of(new double[] {1.5, Double.POSITIVE_INFINITY, Double.NaN}).toString())
                .isEqualTo("tensor([1.5000,    inf,    nan], dtype=float64)");
        assertThat(Tensors.of(floats(1, Double.NEGATIVE_INFINITY)).toString()).isEqualTo("tensor([1., -inf])");
        assertThat(Tensors.of(floats(0, Double.NaN)).toString()).isEqualTo("tensor([0., nan])");
    }

    @Test
    void boolAndInt64() {
        assertThat(Tensors.of(new boolean[] {true, false, true}).toString()).isEqualTo("tensor([ True, False,  True])");
        assertThat(Tensors.of(new boolean[] {true, true}).toString()).isEqualTo("tensor([True, True])");
        assertThat(Tensors.of(new long[] {1, -2, 30}).toString()).isEqualTo("tensor([ 1, -2, 30])");
        assertThat(Tensors.of(new long[] {9007199254740993L}).toString()).isEqualTo("tensor([9007199254740993])");
        assertThat(Tensors.of(new double[] {1, 2}).gt(1.5).toString()).isEqualTo("tensor([False,  True])");
    }

    @Test
    void gradSuffixes() {
        Tensor x = Tensors.of(new float[] {1, 2}).requiresGrad(true);
        assertThat(x.toString()).isEqualTo("tensor([1., 2.], requires_grad=True)");
        assertThat(x.mul(2).toString()).isEqualTo("tensor([2., 4.], grad_fn=<MulBackward>)");
        Tensor s = Tensors.scalar(2, DType.FLOAT64).requiresGrad(true);
        assertThat(s.toString()).isEqualTo("tensor(2., dtype=float64, requires_grad=True)");
        assertThat(x.detach().toString()).isEqualTo("tensor([1., 2.])");
    }

    @Test
    void threeDimensions() {
        Tensor t = Tensors.arange(DType.FLOAT32, 0, 8, 1).reshape(2, 2, 2);
        assertThat(t.toString())
                .isEqualTo("tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])");
    }

    @Test
    void emptyTensors() {
        assertThat(Tensors.zeros(0).toString()).isEqualTo("tensor([])");
        assertThat(Tensors.zeros(2, 0).toString()).isEqualTo("tensor([], size=(2, 0))");
        assertThat(Tensors.zeros(DType.FLOAT64, 0).toString()).isEqualTo("tensor([], dtype=float64)");
        assertThat(Tensors.zeros(DType.INT64, 0).toString()).isEqualTo("tensor([], dtype=int64)");
        assertThat(Tensors.zeros(DType.BOOL, 0, 3).toString()).isEqualTo("tensor([], size=(0, 3), dtype=bool)");
    }

    @Test
    void longRowsWrapAtEightyColumns() {
        // 20 values 0, 0.25, ..., 4.75: width 6, so (80 - 7) / (6 + 2) = 9 per line
        Tensor t = Tensors.linspace(0, 4.75, 20);
        assertThat(t.toString()).isEqualTo(
                "tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000, 1.2500, 1.5000, 1.7500, 2.0000,\n"
                + "        2.2500, 2.5000, 2.7500, 3.0000, 3.2500, 3.5000, 3.7500, 4.0000, 4.2500,\n"
                + "        4.5000, 4.7500])");
    }

    @Test
    void suffixMovesToNewLineWhenTheLastLineIsFull() {
        Tensor t = Tensors.linspace(DType.FLOAT64, 0, 4.25, 18);
        assertThat(t.toString()).isEqualTo(
                "tensor([0.0000, 0.2500, 0.5000, 0.7500, 1.0000, 1.2500, 1.5000, 1.7500, 2.0000,\n"
                + "        2.2500, 2.5000, 2.7500, 3.0000, 3.2500, 3.5000, 3.7500, 4.0000, 4.2500],\n"
                + "       dtype=float64)");
    }

    @Test
    void oneThousandElementsAreNotSummarized() {
        String s = Tensors.ones(1000).toString();
        assertThat(s).doesNotContain("...");
        // all ones: width 2, (80 - 7) / 4 = 18 per line
        assertThat(s.split("\n")).hasSize((1000 + 17) / 18);
        assertThat(s).startsWith("tensor([1., 1., ").endsWith(", 1.])");
    }

    @Test
    void summarizesLongVectors() {
        assertThat(Tensors.arange(DType.FLOAT32, 0, 2000, 1).toString()).isEqualTo(
                "tensor([0.0000e+00, 1.0000e+00, 2.0000e+00,  ..., 1.9970e+03, 1.9980e+03,\n"
                + "        1.9990e+03])");
        assertThat(Tensors.arange(2000).toString()).isEqualTo("tensor([   0,    1,    2,  ..., 1997, 1998, 1999])");
    }

    @Test
    void summaryStyleComesFromTheItemsShown() {
        double[] v = new double[2000];
        v[1000] = 12345.678;
        assertThat(Tensors.of(v).to(DType.FLOAT32).toString()).isEqualTo("tensor([0., 0., 0.,  ..., 0., 0., 0.])");
    }

    @Test
    void summarizesMatrices() {
        String row = "[0., 0., 0.,  ..., 0., 0., 0.]";
        assertThat(Tensors.zeros(100, 100).toString()).isEqualTo("tensor([" + row + ",\n        " + row
                + ",\n        " + row + ",\n        ...,\n        " + row + ",\n        " + row + ",\n        "
                + row + "])");
        // a short first dim is shown whole, the long second one summarized
        assertThat(Tensors.ones(2, 600).toString()).isEqualTo(
                "tensor([[1., 1., 1.,  ..., 1., 1., 1.],\n        [1., 1., 1.,  ..., 1., 1., 1.]])");
    }
}
