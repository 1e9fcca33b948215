package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.GradCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IndexOpsTest {
    private static final GradCheck CHECK = GradCheck.withTolerances(1e-6, 1e-5);
    private static final GradCheck CHECK2 = CHECK.secondOrder(true);

    private static Tensor randn(long seed, int... shape) {
        return Tensors.randn(new Rng(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    private static Tensor iota(int... shape) {
        int n = 1;
        for (int s : shape) {
            n *= s;
        }
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = i;
        }
        return Tensors.of(v, shape);
    }

    private static Tensor longs(long[] values, int... shape) {
        return Tensors.of(values, shape);
    }

    // ------------------------------------------------------------------------------- indexSelect/indexAdd

    @Test
    void indexSelectPicksSlices() {
        Tensor x = iota(3, 4);
        Tensor rows = x.indexSelect(0, longs(new long[] {2, 0, 2}));
        assertThat(rows.shape()).containsExactly(3, 4);
        assertThat(rows.toDoubleArray()).containsExactly(8, 9, 10, 11, 0, 1, 2, 3, 8, 9, 10, 11);
        Tensor cols = x.t().indexSelect(-2, longs(new long[] {3, 1}));
        assertThat(cols.shape()).containsExactly(2, 3);
        assertThat(cols.toDoubleArray()).containsExactly(3, 7, 11, 1, 5, 9);
        assertThat(x.indexSelect(1, longs(new long[0])).shape()).containsExactly(3, 0);
    }

    @Test
    void indexSelectGradientAccumulatesRepeatedIndices() {
        Tensor x = Tensors.ones(DType.FLOAT64, 3, 2).requiresGrad(true);
        x.indexSelect(0, longs(new long[] {2, 0, 2, 2})).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(1, 1, 0, 0, 3, 3);
    }

    @Test
    void gradcheckIndexSelectIncludingSecondOrder() {
        Tensor x = randn(1, 3, 4);
        Tensor idx = longs(new long[] {1, 3, 1, 0});
        CHECK2.verify(in -> in[0].indexSelect(1, idx).square(), x);
        CHECK2.verify(in -> in[0].t().indexSelect(-1, longs(new long[] {2, 2, 0})).exp(), x);
    }

    @Test
    void indexSelectErrors() {
        Tensor x = iota(3, 4);
        assertThatThrownBy(() -> x.indexSelect(0, longs(new long[] {0, 3})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("indexSelect: index 3 is out of range for a dim of size 3");
        assertThatThrownBy(() -> x.indexSelect(1, longs(new long[] {-5})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("indexSelect: index -5 is out of range for a dim of size 4");
        assertThatThrownBy(() -> x.indexSelect(0, Tensors.of(new float[] {0, 1})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("indexSelect: index must be an int64 tensor, got float32");
        assertThatThrownBy(() -> x.indexSelect(0, longs(new long[] {0, 1, 1, 0}, 2, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("indexSelect: index must be 1-D, got shape [2, 2]");
        assertThatThrownBy(() -> x.indexSelect(2, longs(new long[] {0})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("indexSelect: dim 2 is out of range for a tensor with 2 dims");
    }

    @Test
    void indexAddAccumulatesRepeatedIndices() {
        Tensor x = Tensors.full(DType.FLOAT64, 0.5, 3, 2);
        Tensor src = Tensors.of(new double[] {1, 2, 3, 4, 5, 6}, 3, 2);
        Tensor out = x.indexAdd(0, longs(new long[] {0, 2, 0}), src);
        assertThat(out.toDoubleArray()).containsExactly(6.5, 8.5, 0.5, 0.5, 3.5, 4.5);
        assertThat(x.toDoubleArray()).containsOnly(0.5);
        Tensor byCol = Tensors.zeros(DType.FLOAT64, 2, 3).indexAdd(1, longs(new long[] {1, 1}), src.narrow(0, 0, 2).t());
        assertThat(byCol.toDoubleArray()).containsExactly(0, 4, 0, 0, 6, 0);
    }

    @Test
    void gradcheckIndexAddWithRespectToSelfAndSource() {
        Tensor x = randn(2, 4, 3);
        Tensor src = randn(3, 5, 3);
        Tensor idx = longs(new long[] {3, 0, 3, 3, 1});
        // x.t() detached: a non-contiguous leaf
        CHECK2.verify(in -> in[0].indexAdd(1, idx, in[1].t()).square(), x.t().detach().requiresGrad(true), src);
        CHECK.verify(in -> in[0].indexAdd(-1, idx, in[1].t().mul(2.0)),
                Tensors.zeros(DType.FLOAT64, 3, 4).requiresGrad(true), src);
    }

    @Test
    void indexAddErrors() {
        Tensor x = Tensors.zeros(DType.FLOAT64, 3, 2);
        assertThatThrownBy(() -> x.indexAdd(0, longs(new long[] {0, 1}), Tensors.zeros(DType.FLOAT64, 3, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("indexAdd: source has shape [3, 2] but expected [2, 2] for self [3, 2] and 2 indices "
                        + "along dim 0");
        assertThatThrownBy(() -> x.indexAdd(0, longs(new long[] {3}), Tensors.zeros(DType.FLOAT64, 1, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("indexAdd: index 3 is out of range for a dim of size 3");
    }

    // --------------------------------------------------------------------------------- gather/scatterAdd

    @Test
    void gatherPicksAlongADim() {
        Tensor x = iota(3, 4);
        Tensor g = x.gather(1, longs(new long[] {0, 0, 3, 1, 2, 2}, 3, 2));
        assertThat(g.shape()).containsExactly(3, 2);
        assertThat(g.toDoubleArray()).containsExactly(0, 0, 7, 5, 10, 10);
        Tensor g0 = x.gather(0, longs(new long[] {2, 0, 1}, 1, 3));
        assertThat(g0.toDoubleArray()).containsExactly(8, 1, 6);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1})
    void gatherAndScatterAddMatchLoopsOnNonContiguousOperands(int dim) {
        Rng rng = new Rng(10 + dim);
        Tensor x = Tensors.randn(rng, DType.FLOAT64, 4, 3, 5).permute(1, 2, 0); // [3, 5, 4]
        int d = dim < 0 ? dim + 3 : dim;
        int[] xs = x.shape();
        int[] is = {2, 4, 3};
        is[d] = 6;
        Tensor index = Tensors.randint(rng, 0, xs[d], is[2], is[1], is[0]).permute(2, 1, 0);
        assertThat(index.isContiguous()).isFalse();
        long[] iv = index.toLongArray();
        double[] xv = x.toDoubleArray();

        double[] gv = x.gather(dim, index).toDoubleArray();
        int k = 0;
        for (int a = 0; a < is[0]; a++) {
            for (int b = 0; b < is[1]; b++) {
                for (int c = 0; c < is[2]; c++) {
                    int[] at = {a, b, c};
                    at[d] = (int) iv[k];
                    assertThat(gv[k]).isEqualTo(xv[(at[0] * xs[1] + at[1]) * xs[2] + at[2]]);
                    k++;
                }
            }
        }

        // scatter a src larger than index into x
        int[] ss = {is[0] + 1, is[1], is[2] + 2};
        Tensor src = Tensors.randn(rng, DType.FLOAT64, ss);
        double[] sv = src.toDoubleArray();
        double[] expected = xv.clone();
        k = 0;
        for (int a = 0; a < is[0]; a++) {
            for (int b = 0; b < is[1]; b++) {
                for (int c = 0; c < is[2]; c++) {
                    int[] at = {a, b, c};
                    at[d] = (int) iv[k++];
                    expected[(at[0] * xs[1] + at[1]) * xs[2] + at[2]] += sv[(a * ss[1] + b) * ss[2] + c];
                }
            }
        }
        Tensor out = x.scatterAdd(dim, index, src);
        assertThat(out.shape()).containsExactly(xs);
        double[] ov = out.toDoubleArray();
        for (int i = 0; i < ov.length; i++) {
            assertThat(ov[i]).isCloseTo(expected[i], org.assertj.core.api.Assertions.within(1e-14));
        }
    }

    @Test
    void scatterAddAccumulatesRepeatedIndicesAndIgnoresTheRestOfSrc() {
        Tensor x = Tensors.zeros(DType.FLOAT64, 2, 3);
        Tensor src = Tensors.of(new double[] {1, 2, 9, 3, 4, 9, 9, 9, 9}, 3, 3);
        Tensor out = x.scatterAdd(1, longs(new long[] {0, 0, 2, 1}, 2, 2), src);
        assertThat(out.toDoubleArray()).containsExactly(3, 0, 0, 0, 4, 3);

        Tensor s = src.detach().requiresGrad(true);
        Tensor base = Tensors.zeros(DType.FLOAT64, 2, 3).requiresGrad(true);
        base.scatterAdd(1, longs(new long[] {0, 0, 2, 1}, 2, 2), s)
                .backward(Tensors.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3));
        assertThat(s.grad().toDoubleArray()).containsExactly(1, 1, 0, 6, 5, 0, 0, 0, 0);
        assertThat(base.grad().toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void gradcheckGatherIncludingSecondOrder() {
        Tensor x = randn(4, 3, 4);
        Tensor idx = longs(new long[] {0, 0, 3, 1, 2, 2, 1, 1, 1}, 3, 3);
        CHECK2.verify(in -> in[0].gather(1, idx).square(), x);
        CHECK2.verify(in -> in[0].t().gather(0, longs(new long[] {2, 2, 0, 1, 1, 1}, 2, 3)).exp(), x);
    }

    @Test
    void gradcheckScatterAddWithSrcLargerThanIndex() {
        Tensor x = randn(5, 3, 4);
        Tensor src = randn(6, 4, 3);
        Tensor idx = longs(new long[] {0, 0, 2, 1, 2, 2}, 2, 3);
        CHECK2.verify(in -> in[0].scatterAdd(0, idx, in[1].t()).square(), x, src);
        CHECK.verify(in -> in[0].t().scatterAdd(-1, idx, in[1]), x, src);
    }

    @Test
    void gatherAndScatterAddErrors() {
        Tensor x = iota(3, 4);
        assertThatThrownBy(() -> x.gather(1, longs(new long[] {0, 1})))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gather: index has 1 dims (shape [2]) but self has 2 (shape [3, 4])");
        assertThatThrownBy(() -> x.gather(1, longs(new long[8], 4, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gather: index shape [4, 2] is larger than self [3, 4] in dim 0");
        assertThatThrownBy(() -> x.gather(0, longs(new long[] {3}, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gather: index 3 is out of range for a dim of size 3");
        assertThatThrownBy(() -> x.gather(0, Tensors.of(new double[] {0}, 1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("gather: index must be an int64 tensor, got float64");
        assertThatThrownBy(() -> x.scatterAdd(0, longs(new long[4], 2, 2), iota(1, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scatterAdd: index shape [2, 2] is larger than self [3, 4] or src [1, 4] in dim 0");
        assertThatThrownBy(() -> x.scatterAdd(0, longs(new long[4], 2, 2), iota(4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("scatterAdd: src has shape [4] but self has shape [3, 4]; they need the same number "
                        + "of dims");
    }

    // ----------------------------------------------------------------------------------- searchsorted

    @Test
    void searchsortedWithASharedSequence() {
        Tensor sorted = Tensors.of(new double[] {1, 3, 5, 7});
        Tensor values = Tensors.of(new double[] {0, 1, 4, 7, 8, 5}, 2, 3);
        Tensor left = Tensor.searchsorted(sorted, values, false);
        assertThat(left.shape()).containsExactly(2, 3);
        assertThat(left.dtype()).isEqualTo(DType.INT64);
        assertThat(left.toLongArray()).containsExactly(0, 0, 2, 3, 4, 2);
        assertThat(Tensor.searchsorted(sorted, values, true).toLongArray()).containsExactly(0, 1, 2, 4, 4, 3);
    }

    @Test
    void searchsortedBatched() {
        Tensor sorted = Tensors.of(new double[] {1, 2, 3, 10, 20, 30}, 2, 3);
        Tensor values = Tensors.of(new double[] {2, 2.5, -1, 5, 30, 31}, 2, 3);
        assertThat(Tensor.searchsorted(sorted, values, false).toLongArray()).containsExactly(1, 2, 0, 0, 2, 3);
        assertThat(Tensor.searchsorted(sorted, values, true).toLongArray()).containsExactly(2, 2, 0, 0, 3, 3);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void searchsortedMatchesALinearScan(long seed) {
        Rng rng = new Rng(seed);
        int rows = 3;
        int m = 7;
        // sorted rows with repeats: cumulative sums of small non-negative integers
        Tensor sorted = Tensors.randint(rng, 0, 3, rows, m).cumsum(1).to(DType.FLOAT64);
        Tensor values = Tensors.randint(rng, -2, 16, rows, 5).to(DType.FLOAT64);
        double[] sv = sorted.toDoubleArray();
        double[] vv = values.toDoubleArray();
        for (boolean right : new boolean[] {false, true}) {
            long[] batched = Tensor.searchsorted(sorted, values, right).toLongArray();
            long[] shared = Tensor.searchsorted(sorted.select(0, 1), values, right).toLongArray();
            for (int r = 0; r < rows; r++) {
                for (int j = 0; j < 5; j++) {
                    double v = vv[r * 5 + j];
                    assertThat(batched[r * 5 + j]).isEqualTo(scan(sv, r * m, m, v, right));
                    assertThat(shared[r * 5 + j]).isEqualTo(scan(sv, m, m, v, right));
                }
            }
        }
    }

    /** Counts the elements below v (left) or not above v (right): the insertion position. */
    private static long scan(double[] seq, int from, int m, double v, boolean right) {
        long count = 0;
        for (int i = from; i < from + m; i++) {
            if (right ? seq[i] <= v : seq[i] < v) {
                count++;
            }
        }
        return count;
    }

    @Test
    void searchsortedRecordsNoGradientAndAcceptsViews() {
        Tensor sorted = Tensors.of(new double[] {7, 5, 3, 1}).requiresGrad(true);
        Tensor values = Tensors.of(new double[] {2, 6}).requiresGrad(true);
        Tensor pos = Tensor.searchsorted(sorted.flip(0), values, false);
        assertThat(pos.requiresGrad()).isFalse();
        assertThat(pos.gradFnName()).isNull();
        assertThat(pos.toLongArray()).containsExactly(1, 3);
        Tensor batched = Tensors.of(new double[] {1, 10, 2, 20, 3, 30}, 3, 2).t();
        assertThat(Tensor.searchsorted(batched, Tensors.of(new double[] {2.5, 25}, 2, 1), true).toLongArray())
                .containsExactly(2, 2);
    }

    @Test
    void searchsortedPutsNaNValuesAfterEveryNumber() {
        Tensor sorted = Tensors.of(new double[] {1, 2, 3});
        Tensor values = Tensors.of(new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
        assertThat(Tensor.searchsorted(sorted, values, false).toLongArray()).containsExactly(3, 3, 0);
        assertThat(Tensor.searchsorted(sorted, values, true).toLongArray()).containsExactly(3, 3, 0);
        Tensor withNaN = Tensors.of(new double[] {1, 2, Double.NaN});
        assertThat(Tensor.searchsorted(withNaN, values, false).toLongArray()).containsExactly(2, 2, 0);
        assertThat(Tensor.searchsorted(withNaN, values, true).toLongArray()).containsExactly(3, 2, 0);
    }

    @Test
    void searchsortedErrors() {
        assertThatThrownBy(() -> Tensor.searchsorted(iota(2, 3), iota(3, 2), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("searchsorted: sorted sequence [2, 3] and values [3, 2] must share all but "
                        + "the last dim");
        assertThatThrownBy(() -> Tensor.searchsorted(Tensors.scalar(1), iota(3), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("searchsorted: sorted sequence must have at least 1 dim");
    }
}
