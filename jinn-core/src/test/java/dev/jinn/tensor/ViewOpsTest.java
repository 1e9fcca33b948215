package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.GradCheck;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ViewOpsTest {
    private static final GradCheck CHECK = GradCheck.withTolerances(1e-6, 1e-5);
    private static final GradCheck CHECK2 = CHECK.secondOrder(true);
    private static final int END = Integer.MIN_VALUE;
    private static final int MAX = Integer.MAX_VALUE;

    private static Tensor randn(long seed, int... shape) {
        return Tensors.randn(new Rng(seed), DType.FLOAT64, shape).requiresGrad(true);
    }

    /** 0, 1, 2, ... as float64 in the given shape, so every value names its row-major position. */
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

    private static void assertSharesStorage(Tensor view, Tensor base) {
        assertThat(view.data()).as("view shares storage").isSameAs(base.data());
    }

    // -------------------------------------------------------------------------------------- reshape/view

    @Test
    void convertingAStridedViewBetweenFloatTypesReadsItInLogicalOrder() {
        Rng rng = new Rng(3);
        for (DType from : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            DType to = from == DType.FLOAT32 ? DType.FLOAT64 : DType.FLOAT32;
            Tensor base = Tensors.randn(rng, from, 4, 6, 5);
            // A transposed view, a narrowed one (runs of 2 inside rows of 5) and a strided slice of both.
            Tensor[] views = {base.transpose(0, 2), base.narrow(2, 1, 2), base.transpose(1, 2).narrow(0, 1, 3)};
            for (Tensor v : views) {
                Tensor converted = v.to(to);
                assertThat(converted.dtype()).isEqualTo(to);
                assertThat(converted.shape()).containsExactly(v.shape());
                double[] expected = v.contiguous().toDoubleArray();
                double[] actual = converted.toDoubleArray();
                for (int i = 0; i < expected.length; i++) {
                    // float64 -> float32 rounds each value once; float32 -> float64 is exact.
                    double want = to == DType.FLOAT32 ? (float) expected[i] : expected[i];
                    assertThat(actual[i]).as("%s %s element %d", from, java.util.Arrays.toString(v.shape()), i)
                            .isEqualTo(want);
                }
            }
        }
    }

    @Test
    void reshapeInfersMinusOneAndSharesStorageWhenContiguous() {
        Tensor x = iota(2, 3, 4);
        Tensor flat = x.reshape(-1);
        assertThat(flat.shape()).containsExactly(24);
        assertSharesStorage(flat, x);
        assertThat(flat.toDoubleArray()).containsExactly(iota(24).toDoubleArray());
        assertThat(x.reshape(4, -1).shape()).containsExactly(4, 6);
        assertThat(x.view(-1, 2, 3).shape()).containsExactly(4, 2, 3);
        assertSharesStorage(x.view(-1, 2, 3), x);
        assertThat(x.reshape(2, 3, 4)).isSameAs(x);
        assertThat(Tensors.of(new double[] {7}).reshape().shape()).isEmpty();
    }

    @Test
    void reshapeOfNonContiguousTensorCopiesInLogicalOrder() {
        Tensor x = iota(3, 4);
        Tensor t = x.t();
        assertThat(t.isContiguous()).isFalse();
        Tensor r = t.reshape(2, 6);
        assertThat(r.isContiguous()).isTrue();
        assertThat(r.data()).isNotSameAs(x.data());
        double[] expected = new double[12];
        int k = 0;
        for (int j = 0; j < 4; j++) {
            for (int i = 0; i < 3; i++) {
                expected[k++] = i * 4 + j;
            }
        }
        assertThat(r.toDoubleArray()).containsExactly(expected);
        // a strided slice with an offset, then flattened
        Tensor s = iota(4, 5).slice(1, 1, 5, 2).narrow(0, 1, 2);
        assertThat(s.reshape(-1).toDoubleArray()).containsExactly(6, 8, 11, 13);
    }

    @Test
    void reshapeErrorsNameTheShapes() {
        Tensor x = Tensors.zeros(DType.FLOAT64, 2, 3);
        assertThatThrownBy(() -> x.reshape(5, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reshape: shape [5, 5] is invalid for a tensor of shape [2, 3] (6 elements)");
        assertThatThrownBy(() -> x.reshape(-1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("reshape: only one size may be -1, got [-1, -1]");
        assertThatThrownBy(() -> x.reshape(4, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("[4, -1]").hasMessageContaining("[2, 3]");
        assertThatThrownBy(() -> x.view(-2, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid size -2");
    }

    @Test
    void gradcheckReshapeViewFlattenIncludingSecondOrder() {
        Tensor x = randn(1, 3, 4);
        CHECK2.verify(in -> in[0].t().reshape(-1).mul(in[0].reshape(-1)), x);
        CHECK2.verify(in -> in[0].reshape(2, -1, 2).square(), x);
        CHECK.verify(in -> in[0].t().view(6, 2).square(), x);
        CHECK.verify(in -> in[0].t().flatten().square(), x);
    }

    @Test
    void flattenMergesARangeOfDims() {
        Tensor x = iota(2, 3, 4, 5);
        assertThat(x.flatten(1, 2).shape()).containsExactly(2, 12, 5);
        assertThat(x.flatten(-3, -1).shape()).containsExactly(2, 60);
        assertThat(x.flatten(2, 2).shape()).containsExactly(2, 3, 4, 5);
        assertThat(x.flatten().shape()).containsExactly(120);
        assertThat(Tensors.scalar(3, DType.FLOAT64).flatten().shape()).containsExactly(1);
        Tensor p = x.permute(3, 2, 1, 0).flatten(0, 1);
        assertThat(p.shape()).containsExactly(20, 3, 2);
        // element [a*4+b][c][d] of the flattened permute is x[d][c][b][a]
        assertThat(p.select(0, 2 * 4 + 3).select(0, 1).select(0, 1).item())
                .isEqualTo(x.select(0, 1).select(0, 1).select(0, 3).select(0, 2).item());
        assertThatThrownBy(() -> x.flatten(2, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flatten: startDim 2 comes after endDim 1");
        assertThatThrownBy(() -> x.flatten(0, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flatten: dim 4 is out of range for a tensor with 4 dims");
    }

    // ----------------------------------------------------------------------------------- squeeze/unsqueeze

    @Test
    void squeezeAndUnsqueeze() {
        Tensor x = iota(1, 3, 1, 2);
        assertThat(x.squeeze().shape()).containsExactly(3, 2);
        assertThat(x.squeeze(0).shape()).containsExactly(3, 1, 2);
        assertThat(x.squeeze(-2).shape()).containsExactly(1, 3, 2);
        assertThat(x.squeeze(1)).isSameAs(x);
        assertSharesStorage(x.squeeze(), x);
        Tensor y = iota(3, 2);
        assertThat(y.unsqueeze(0).shape()).containsExactly(1, 3, 2);
        assertThat(y.unsqueeze(2).shape()).containsExactly(3, 2, 1);
        assertThat(y.unsqueeze(-1).shape()).containsExactly(3, 2, 1);
        assertThat(y.unsqueeze(-3).shape()).containsExactly(1, 3, 2);
        assertThat(y.unsqueeze(1).shape()).containsExactly(3, 1, 2);
        assertThat(y.unsqueeze(1).isContiguous()).isTrue();
        assertThat(y.unsqueeze(1).toDoubleArray()).containsExactly(y.toDoubleArray());
        assertThat(y.t().unsqueeze(1).toDoubleArray()).containsExactly(0, 2, 4, 1, 3, 5);
        assertThatThrownBy(() -> y.unsqueeze(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("unsqueeze: dim 3 is out of range for a tensor with 3 dims");
        assertThatThrownBy(() -> y.squeeze(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("squeeze: dim 2 is out of range");
    }

    @Test
    void gradcheckSqueezeUnsqueeze() {
        Tensor x = randn(2, 3, 1, 2);
        CHECK2.verify(in -> in[0].squeeze().t().unsqueeze(0).square(), x);
        CHECK.verify(in -> in[0].transpose(0, 2).squeeze(0).unsqueeze(-1).square(), x);
    }

    // ------------------------------------------------------------------------------ transpose/permute/t

    @Test
    void transposeIsAViewWithSwappedIndices() {
        Tensor x = iota(3, 4);
        Tensor t = x.transpose(0, 1);
        assertSharesStorage(t, x);
        assertThat(t.isContiguous()).isFalse();
        assertThat(t.shape()).containsExactly(4, 3);
        assertThat(t.strides()).containsExactly(1, 4);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(t.select(0, i).select(0, j).item()).isEqualTo(x.select(0, j).select(0, i).item());
            }
        }
        assertThat(x.t().t().isContiguous()).isTrue();
        assertThat(x.transpose(-1, 0).shape()).containsExactly(4, 3);
        Tensor v = Tensors.of(new double[] {1, 2});
        assertThat(v.t()).isSameAs(v);
        assertThatThrownBy(() -> iota(2, 3, 4).t())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("t: expected a tensor with at most 2 dims, got shape [2, 3, 4]");
        assertThatThrownBy(() -> x.transpose(0, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("transpose: dim 2 is out of range for a tensor with 2 dims");
    }

    @Test
    void permuteReordersDims() {
        Tensor x = iota(2, 3, 4);
        Tensor p = x.permute(2, 0, 1);
        assertSharesStorage(p, x);
        assertThat(p.shape()).containsExactly(4, 2, 3);
        double[] pv = p.toDoubleArray();
        int k = 0;
        for (int c = 0; c < 4; c++) {
            for (int a = 0; a < 2; a++) {
                for (int b = 0; b < 3; b++) {
                    assertThat(pv[k++]).isEqualTo(a * 12 + b * 4 + c);
                }
            }
        }
        assertThat(x.permute(-3, -2, -1)).isSameAs(x);
        assertThat(x.permute(1, 2, 0).permute(2, 0, 1).toDoubleArray()).containsExactly(x.toDoubleArray());
        assertThatThrownBy(() -> x.permute(0, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permute: dim 0 repeats in [0, 0, 1]");
        assertThatThrownBy(() -> x.permute(0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("permute: expected 3 dims for shape [2, 3, 4], got [0, 1]");
        assertThatThrownBy(() -> x.permute(0, 1, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("permute: dim 3 is out of range");
    }

    @Test
    void gradcheckTransposePermuteIncludingSecondOrder() {
        Tensor x = randn(3, 2, 3, 4);
        CHECK2.verify(in -> in[0].permute(2, 0, 1).mul(in[0].permute(2, 0, 1)), x);
        CHECK.verify(in -> in[0].transpose(0, 2).transpose(1, 2).square(), x);
        Tensor m = randn(4, 3, 2);
        CHECK.verify(in -> in[0].t().square(), m);
    }

    // ------------------------------------------------------------------------------------ expand/broadcast

    @Test
    void expandBroadcastsWithZeroStrides() {
        Tensor x = Tensors.of(new double[] {1, 2, 3}, 3, 1);
        Tensor e = x.expand(2, 3, 4);
        assertSharesStorage(e, x);
        assertThat(e.shape()).containsExactly(2, 3, 4);
        assertThat(e.strides()[0]).isZero();
        assertThat(e.strides()[2]).isZero();
        assertThat(e.isContiguous()).isFalse();
        double[] ev = e.toDoubleArray();
        for (int a = 0; a < 2; a++) {
            for (int b = 0; b < 3; b++) {
                for (int c = 0; c < 4; c++) {
                    assertThat(ev[a * 12 + b * 4 + c]).isEqualTo(b + 1);
                }
            }
        }
        assertThat(x.expand(-1, 2).shape()).containsExactly(3, 2);
        assertThat(x.broadcastTo(5, 3, 2).shape()).containsExactly(5, 3, 2);
        assertThat(x.expand(3, 1)).isSameAs(x);
        assertThat(x.expand(2, 3, 4).reshape(-1).toDoubleArray()).containsExactly(ev);
        assertThatThrownBy(() -> x.expand(4, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("expand: cannot expand shape [3, 1] to [4, 3]");
        assertThatThrownBy(() -> x.expand(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expand: cannot expand shape [3, 1] to [3]");
        assertThatThrownBy(() -> x.expand(-1, 3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("expand: cannot expand shape [3, 1] to [-1, 3, 1]");
    }

    @Test
    void gradcheckExpandSumsOverBroadcastDimsIncludingSecondOrder() {
        Tensor x = randn(5, 3, 1);
        CHECK2.verify(in -> in[0].expand(2, 3, 4).mul(in[0].expand(2, 3, 4)), x);
        CHECK.verify(in -> in[0].t().broadcastTo(3, 1, 3).square(), x);
        Tensor y = Tensors.of(new double[] {1, 2, 3}, 3, 1).requiresGrad(true);
        y.expand(2, 3, 4).sum().backward();
        assertThat(y.grad().toDoubleArray()).containsExactly(8, 8, 8);
    }

    // --------------------------------------------------------------------------------- narrow/slice/select

    @Test
    void narrowIsAView() {
        Tensor x = iota(4, 5);
        Tensor rows = x.narrow(0, 1, 2);
        assertSharesStorage(rows, x);
        assertThat(rows.isContiguous()).isTrue();
        assertThat(rows.toDoubleArray()).containsExactly(5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
        Tensor cols = x.narrow(-1, -3, 2);
        assertSharesStorage(cols, x);
        assertThat(cols.isContiguous()).isFalse();
        assertThat(cols.toDoubleArray()).containsExactly(2, 3, 7, 8, 12, 13, 17, 18);
        assertThat(x.narrow(1, 5, 0).shape()).containsExactly(4, 0);
        assertThatThrownBy(() -> x.narrow(1, 3, 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("narrow: start 3 and length 3 do not fit in dim 1 of size 5 (shape [4, 5])");
        assertThatThrownBy(() -> x.narrow(0, -5, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("narrow: start -5 and length 1 do not fit in dim 0 of size 4");
        assertThatThrownBy(() -> x.narrow(0, 0, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("narrow:");
        assertThatThrownBy(() -> x.narrow(2, 0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("narrow: dim 2 is out of range");
    }

    /**
     * The indices Python's {@code range(n)[start:stop:step]} picks ({@link #END} and {@link #MAX} clip to the
     * ends like an omitted bound). Written from the language reference, independently of the implementation.
     */
    private static List<Integer> pythonSlice(int n, int start, int stop, int step) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // i is picked when it lies between the resolved bounds and is start + m*step for some m >= 0
            long s = resolve(n, start, step);
            long e = resolve(n, stop, step);
            boolean inRange = step > 0 ? i >= s && i < e : i <= s && i > e;
            if (inRange && (i - s) % step == 0) {
                out.add(i);
            }
        }
        if (step < 0) {
            java.util.Collections.reverse(out);
        }
        return out;
    }

    private static long resolve(int n, int bound, int step) {
        long b = bound < 0 ? (long) bound + n : bound;
        if (step > 0) {
            return Math.max(0, Math.min(n, b));
        }
        return Math.max(-1, Math.min(n - 1, b));
    }

    static Stream<Arguments> slices() {
        return Stream.of(
                Arguments.of(1, 4, 2, List.of(1, 3)),
                Arguments.of(0, MAX, 1, List.of(0, 1, 2, 3, 4)),
                Arguments.of(MAX, END, -1, List.of(4, 3, 2, 1, 0)),
                Arguments.of(-2, MAX, 1, List.of(3, 4)),
                Arguments.of(4, 1, -2, List.of(4, 2)),
                Arguments.of(-1, -6, -1, List.of(4, 3, 2, 1, 0)),
                Arguments.of(10, -10, -3, List.of(4, 1)),
                Arguments.of(3, 1, 1, List.of()),
                Arguments.of(-100, 100, 3, List.of(0, 3)),
                Arguments.of(1, -1, -1, List.of()),
                Arguments.of(2, 2, -1, List.of()),
                Arguments.of(3, END, -2, List.of(3, 1)),
                Arguments.of(-1, 0, -1, List.of(4, 3, 2, 1)),
                Arguments.of(7, 9, 1, List.of()),
                Arguments.of(0, 5, 7, List.of(0)),
                Arguments.of(END, 3, 1, List.of(0, 1, 2)));
    }

    @ParameterizedTest(name = "[{0}:{1}:{2}]")
    @MethodSource("slices")
    void sliceFollowsPythonSemantics(int start, int stop, int step, List<Integer> expected) {
        assertThat(pythonSlice(5, start, stop, step)).as("reference").isEqualTo(expected);
        Tensor x = iota(3, 5).mul(10.0).add(iota(5)); // x[r][c] = 50r + 11c
        Tensor s = x.slice(1, start, stop, step);
        assertThat(s.shape()).containsExactly(3, expected.size());
        double[] sv = s.toDoubleArray();
        for (int r = 0; r < 3; r++) {
            for (int k = 0; k < expected.size(); k++) {
                assertThat(sv[r * expected.size() + k]).isEqualTo(50.0 * r + 11.0 * expected.get(k));
            }
        }
    }

    @Test
    void sliceMatchesPythonReferenceExhaustively() {
        int n = 6;
        Tensor x = iota(n);
        int[] bounds = {END, -9, -6, -5, -1, 0, 1, 3, 5, 6, 9, MAX};
        for (int start : bounds) {
            for (int stop : bounds) {
                for (int step : new int[] {-4, -2, -1, 1, 2, 3, 7}) {
                    List<Integer> expected = pythonSlice(n, start, stop, step);
                    double[] got = x.slice(0, start, stop, step).toDoubleArray();
                    double[] want = expected.stream().mapToDouble(Integer::doubleValue).toArray();
                    assertThat(got).as("[%d:%d:%d]", start, stop, step).containsExactly(want);
                }
            }
        }
    }

    @Test
    void sliceIsAStridedView() {
        Tensor x = iota(4, 6);
        Tensor s = x.slice(1, 1, 6, 2);
        assertSharesStorage(s, x);
        assertThat(s.isContiguous()).isFalse();
        assertThat(s.strides()).containsExactly(6, 2);
        Tensor r = x.slice(0, MAX, END, -1);
        assertSharesStorage(r, x);
        assertThat(r.strides()).containsExactly(-6, 1);
        assertThat(r.isContiguous()).isFalse();
        assertThat(r.select(0, 0).toDoubleArray()).containsExactly(18, 19, 20, 21, 22, 23);
        assertThat(x.slice(0, 0, MAX, 1)).isSameAs(x);
        assertThat(x.slice(0, 1, 3, 1).isContiguous()).isTrue();
        assertThatThrownBy(() -> x.slice(1, 0, 3, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("slice: step must be nonzero");
        assertThatThrownBy(() -> x.slice(-3, 0, 3, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("slice: dim -3 is out of range");
    }

    @Test
    void selectRemovesTheDim() {
        Tensor x = iota(3, 4);
        Tensor row = x.select(0, -1);
        assertSharesStorage(row, x);
        assertThat(row.shape()).containsExactly(4);
        assertThat(row.isContiguous()).isTrue();
        assertThat(row.toDoubleArray()).containsExactly(8, 9, 10, 11);
        Tensor col = x.select(1, 2);
        assertThat(col.isContiguous()).isFalse();
        assertThat(col.toDoubleArray()).containsExactly(2, 6, 10);
        assertThat(x.select(0, 1).select(0, 3).shape()).isEmpty();
        assertThat(x.select(0, 1).select(0, 3).item()).isEqualTo(7);
        assertThatThrownBy(() -> x.select(1, 4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("select: index 4 is out of range for dim 1 of size 4 (shape [3, 4])");
        assertThatThrownBy(() -> x.select(0, -4))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("select: index -4 is out of range for dim 0 of size 3");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, -1, -2, 3})
    void gradcheckSliceWithStepsIncludingSecondOrder(int step) {
        Tensor x = randn(6, 4, 5);
        int start = step > 0 ? 1 : MAX;
        int stop = step > 0 ? MAX : END;
        CHECK2.verify(in -> in[0].t().slice(0, start, stop, step).square(), x);
        CHECK.verify(in -> in[0].slice(-1, -2, 0, -1).mul(in[0].narrow(1, 1, 3)), x);
    }

    @Test
    void gradcheckNarrowAndSelectIncludingSecondOrder() {
        Tensor x = randn(7, 4, 5);
        CHECK2.verify(in -> in[0].t().narrow(1, 1, 2).square(), x);
        CHECK2.verify(in -> in[0].narrow(-1, -3, 3).narrow(0, 2, 2).exp(), x);
        CHECK.verify(in -> in[0].t().select(0, -2).square(), x);
        Tensor y = Tensors.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        y.narrow(1, 1, 2).sum().backward();
        assertThat(y.grad().toDoubleArray()).containsExactly(0, 1, 1, 0, 1, 1);
    }

    @Test
    void viewsOfViewsComposeOffsets() {
        Tensor x = iota(4, 6);
        Tensor v = x.narrow(0, 1, 3).slice(1, 5, END, -2).t();
        assertSharesStorage(v, x);
        // rows 1..3, cols 5,3,1, transposed
        assertThat(v.shape()).containsExactly(3, 3);
        assertThat(v.toDoubleArray()).containsExactly(11, 17, 23, 9, 15, 21, 7, 13, 19);
        assertThat(v.reshape(9).toDoubleArray()).containsExactly(11, 17, 23, 9, 15, 21, 7, 13, 19);
    }
}
