package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jinn.autograd.GradCheck;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JoinOpsTest {
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

    /** Weights each piece differently and joins the flattened results, so a swapped piece changes the output. */
    private static Tensor weighted(List<Tensor> parts) {
        List<Tensor> flat = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            flat.add(parts.get(i).mul(i + 1.0).square().reshape(-1));
        }
        return Tensor.cat(flat, 0);
    }

    // ------------------------------------------------------------------------------------- split/chunk

    @Test
    void splitBySizeGivesViewsWithASmallerLastPiece() {
        Tensor x = iota(3, 7);
        List<Tensor> parts = x.split(3, 1);
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).shape()).containsExactly(3, 3);
        assertThat(parts.get(2).shape()).containsExactly(3, 1);
        for (Tensor p : parts) {
            assertThat(p.data()).isSameAs(x.data());
        }
        assertThat(parts.get(1).toDoubleArray()).containsExactly(3, 4, 5, 10, 11, 12, 17, 18, 19);
        assertThat(parts.get(2).toDoubleArray()).containsExactly(6, 13, 20);
        assertThat(x.split(5, 0)).hasSize(1);
        assertThat(x.split(1, -2)).hasSize(3);
        assertThatThrownBy(() -> x.split(0, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split: piece size must be positive, got 0");
    }

    @Test
    void splitBySizes() {
        Tensor x = iota(2, 5);
        List<Tensor> parts = x.split(new int[] {1, 0, 4}, -1);
        assertThat(parts).hasSize(3);
        assertThat(parts.get(0).toDoubleArray()).containsExactly(0, 5);
        assertThat(parts.get(1).shape()).containsExactly(2, 0);
        assertThat(parts.get(2).toDoubleArray()).containsExactly(1, 2, 3, 4, 6, 7, 8, 9);
        assertThatThrownBy(() -> x.split(new int[] {2, 2}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split: sizes [2, 2] add up to 4 but dim 1 of shape [2, 5] has size 5");
        assertThatThrownBy(() -> x.split(new int[] {6, -1}, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split: negative size in [6, -1]");
        assertThatThrownBy(() -> x.split(new int[] {5}, 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("split: dim 2 is out of range");
    }

    @Test
    void chunkLikeTorch() {
        // torch.chunk: pieces of ceil(n / chunks), so 7 in 3 gives 3, 3, 1 and 6 in 4 gives 2, 2, 2
        assertThat(iota(7).chunk(3, 0).stream().map(Tensor::numel)).containsExactly(3, 3, 1);
        assertThat(iota(6).chunk(4, 0).stream().map(Tensor::numel)).containsExactly(2, 2, 2);
        assertThat(iota(2, 6).chunk(2, -1).get(1).toDoubleArray()).containsExactly(3, 4, 5, 9, 10, 11);
        assertThat(iota(2).chunk(5, 0)).hasSize(2);
        assertThatThrownBy(() -> iota(4).chunk(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("chunk: number of chunks must be positive, got 0");
    }

    @Test
    void gradcheckSplitAndChunk() {
        Tensor x = randn(1, 4, 5);
        CHECK.verify(in -> weighted(in[0].t().split(2, 0)), x);
        CHECK.verify(in -> weighted(in[0].split(new int[] {2, 0, 3}, -1)), x);
        CHECK.verify(in -> weighted(in[0].t().chunk(3, 1)), x);
    }

    // -------------------------------------------------------------------------------------------- cat

    @Test
    void catJoinsMixedSizes() {
        Tensor a = iota(2, 1);
        Tensor b = iota(2, 3).add(10.0);
        Tensor c = iota(3, 2).add(20.0).t();
        Tensor out = Tensor.cat(List.of(a, b, c), -1);
        assertThat(out.shape()).containsExactly(2, 7);
        assertThat(out.toDoubleArray()).containsExactly(0, 10, 11, 12, 20, 22, 24, 1, 13, 14, 15, 21, 23, 25);
        Tensor rows = Tensor.cat(List.of(iota(1, 2), iota(0, 2), iota(2, 2).sub(5.0)), 0);
        assertThat(rows.shape()).containsExactly(3, 2);
        assertThat(rows.toDoubleArray()).containsExactly(0, 1, -5, -4, -3, -2);
        assertThat(Tensor.cat(List.of(a), 0).toDoubleArray()).containsExactly(0, 1);
    }

    @Test
    void catPromotesTypes() {
        Tensor out = Tensor.cat(List.of(Tensors.of(new long[] {1, 2}), Tensors.of(new double[] {0.5})), 0);
        assertThat(out.dtype()).isEqualTo(DType.FLOAT64);
        assertThat(out.toDoubleArray()).containsExactly(1, 2, 0.5);
    }

    @Test
    void catErrors() {
        assertThatThrownBy(() -> Tensor.cat(List.of(iota(3, 3), iota(2, 4)), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cat: tensor 1 has shape [2, 4] but tensor 0 has shape [3, 3]; all sizes except "
                        + "dim 1 must match");
        assertThatThrownBy(() -> Tensor.cat(List.of(iota(3, 3), iota(3)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cat: tensor 1 has shape [3]");
        assertThatThrownBy(() -> Tensor.cat(List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("cat: expected at least one tensor");
        assertThatThrownBy(() -> Tensor.cat(List.of(iota(2)), 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cat: dim 1 is out of range for a tensor with 1 dims");
        assertThatThrownBy(() -> Tensor.cat(List.of(Tensors.scalar(1)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cat: zero-dimensional");
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1})
    void gradcheckCatIncludingSecondOrder(int dim) {
        Tensor a = randn(2, 3, 2);
        Tensor b = randn(3, 2, 3);
        CHECK2.verify(in -> {
            // non-contiguous pieces: a transpose and a flipped (negative-stride) view
            Tensor left = dim == 0 ? in[0].t() : in[0];
            Tensor right = dim == 0 ? in[1].flip(1) : in[1].t();
            return Tensor.cat(List.of(left, right.mul(2.0), left.square()), dim).square();
        }, a, b);
    }

    // ------------------------------------------------------------------------------------------- stack

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, -1, -3})
    void stackAddsANewDim(int dim) {
        Tensor a = iota(2, 3);
        Tensor b = iota(2, 3).add(100.0).t().t();
        Tensor c = iota(3, 2).add(200.0).t();
        Tensor s = Tensor.stack(List.of(a, b, c), dim);
        int d = dim < 0 ? dim + 3 : dim;
        int[] shape = {2, 3};
        int[] expected = new int[3];
        for (int i = 0, k = 0; i < 3; i++) {
            expected[i] = i == d ? 3 : shape[k++];
        }
        assertThat(s.shape()).containsExactly(expected);
        Tensor[] in = {a, b, c};
        for (int t = 0; t < 3; t++) {
            assertThat(s.select(d, t).toDoubleArray()).containsExactly(in[t].toDoubleArray());
        }
    }

    @Test
    void stackErrorsAndGradcheck() {
        assertThatThrownBy(() -> Tensor.stack(List.of(iota(2, 3), iota(3, 2)), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stack: tensor 1 has shape [3, 2] but tensor 0 has shape [2, 3]; all must be equal");
        assertThatThrownBy(() -> Tensor.stack(List.of(iota(2, 3)), 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stack: dim 3 is out of range for a tensor with 3 dims");
        assertThatThrownBy(() -> Tensor.stack(List.of(), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("stack: expected at least one tensor");
        Tensor a = randn(4, 2, 3);
        Tensor b = randn(5, 3, 2);
        CHECK2.verify(in -> Tensor.stack(List.of(in[0], in[1].t(), in[0].mul(in[1].t())), 1), a, b);
    }

    // -------------------------------------------------------------------------------------------- flip

    @Test
    void flipReversesTheGivenDims() {
        Tensor x = iota(2, 3, 2);
        assertThat(x.flip(1).toDoubleArray()).containsExactly(4, 5, 2, 3, 0, 1, 10, 11, 8, 9, 6, 7);
        assertThat(x.flip(0, -1).toDoubleArray()).containsExactly(7, 6, 9, 8, 11, 10, 1, 0, 3, 2, 5, 4);
        assertThat(x.flip().toDoubleArray()).containsExactly(x.toDoubleArray());
        Tensor t = iota(3, 4).t().flip(0);
        double[] tv = t.toDoubleArray();
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 3; j++) {
                assertThat(tv[i * 3 + j]).isEqualTo(j * 4 + (3 - i));
            }
        }
        assertThat(t.reshape(-1).toDoubleArray()).containsExactly(tv);
        assertThat(t.flip(0).toDoubleArray()).containsExactly(iota(3, 4).t().toDoubleArray());
        assertThatThrownBy(() -> x.flip(0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flip: dim 0 appears more than once");
        assertThatThrownBy(() -> x.flip(3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("flip: dim 3 is out of range");
    }

    @Test
    void gradcheckFlip() {
        Tensor x = randn(6, 3, 4);
        CHECK2.verify(in -> in[0].t().flip(0, 1).mul(in[0].t()), x);
        CHECK.verify(in -> in[0].flip(-1).cumsum(1), x);
    }

    // ------------------------------------------------------------------------------------------ repeat

    @Test
    void repeatTilesLikeTorch() {
        Tensor x = iota(2, 3);
        Tensor r = x.repeat(2, 1, 2);
        assertThat(r.shape()).containsExactly(2, 2, 6);
        double[] rv = r.toDoubleArray();
        for (int a = 0; a < 2; a++) {
            for (int i = 0; i < 2; i++) {
                for (int j = 0; j < 6; j++) {
                    assertThat(rv[a * 12 + i * 6 + j]).isEqualTo(i * 3 + j % 3);
                }
            }
        }
        Tensor t = x.t().repeat(2, 1);
        assertThat(t.shape()).containsExactly(6, 2);
        assertThat(t.toDoubleArray()).containsExactly(0, 3, 1, 4, 2, 5, 0, 3, 1, 4, 2, 5);
        assertThat(x.repeat(1, 0).shape()).containsExactly(2, 0);
        assertThatThrownBy(() -> x.repeat(2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("repeat: need at least 2 repeat counts for shape [2, 3], got [2]");
        assertThatThrownBy(() -> x.repeat(1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("repeat: negative count in [1, -1]");
    }

    @Test
    void gradcheckRepeatSumsOverCopies() {
        Tensor x = randn(7, 2, 3);
        CHECK2.verify(in -> in[0].t().repeat(2, 2, 1).square(), x);
        Tensor y = Tensors.of(new double[] {1, 2}).requiresGrad(true);
        y.repeat(3, 2).sum().backward();
        assertThat(y.grad().toDoubleArray()).containsExactly(6, 6);
    }

    // --------------------------------------------------------------------------------------------- pad

    @Test
    void padSeveralDimsWithAValue() {
        Tensor x = iota(2, 3);
        Tensor p = x.pad(new int[] {1, 2, 0, 1}, -7);
        assertThat(p.shape()).containsExactly(3, 6);
        double[] pv = p.toDoubleArray();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 6; j++) {
                boolean inside = i < 2 && j >= 1 && j < 4;
                assertThat(pv[i * 6 + j]).isEqualTo(inside ? i * 3 + (j - 1) : -7);
            }
        }
        Tensor last = iota(2, 2).t().pad(new int[] {0, 1}, 0.5);
        assertThat(last.toDoubleArray()).containsExactly(0, 2, 0.5, 1, 3, 0.5);
        assertThat(x.pad(new int[0], 1).toDoubleArray()).containsExactly(x.toDoubleArray());
    }

    @Test
    void padErrors() {
        Tensor x = iota(2, 3);
        assertThatThrownBy(() -> x.pad(new int[] {1, -1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("pad: negative padding [1, -1] is not supported (use narrow to crop)");
        assertThatThrownBy(() -> x.pad(new int[] {1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("pad: padding [1] must hold (before, after) pairs");
        assertThatThrownBy(() -> x.pad(new int[] {1, 1, 1, 1, 1, 1}, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 2 dims of shape [2, 3]");
    }

    @Test
    void gradcheckPadIncludingSecondOrder() {
        Tensor x = randn(8, 2, 3, 2);
        CHECK2.verify(in -> in[0].transpose(0, 2).pad(new int[] {2, 1, 0, 1, 1, 0}, 3.0).square(), x);
    }
}
