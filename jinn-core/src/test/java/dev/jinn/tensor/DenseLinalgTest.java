package dev.jinn.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.jinn.autograd.GradCheck;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DenseLinalgTest {
    private static final GradCheck CHECK = GradCheck.withTolerances(1e-6, 1e-5);
    private static final GradCheck CHECK2 = CHECK.secondOrder(true);

    /** Random matrices with n added to the diagonal: comfortably invertible. */
    private static Tensor wellConditioned(long seed, DType type, int... shape) {
        int n = shape[shape.length - 1];
        Tensor r = Tensors.randn(new Rng(seed), DType.FLOAT64, shape).add(Tensors.eye(DType.FLOAT64, n).mul(n));
        return r.to(type);
    }

    private static double tol(DType type) {
        return type == DType.FLOAT32 ? 1e-4 : 1e-10;
    }

    private static Tensor mT(Tensor x) {
        return x.transpose(-1, -2);
    }

    private static void assertClose(Tensor actual, Tensor expected, double tol) {
        assertThat(actual.shape()).containsExactly(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(tol * Math.max(1, Math.abs(e[i]))));
        }
    }

    private static Tensor identity(int batch, int n) {
        return Tensors.eye(DType.FLOAT64, n).expand(batch, n, n);
    }

    /** Determinant by cofactor expansion along the first row, independent of any factorization. */
    private static double cofactorDet(double[] a, int off, int n) {
        if (n == 1) {
            return a[off];
        }
        double sum = 0;
        for (int c = 0; c < n; c++) {
            double[] minor = minor(a, off, n, 0, c);
            sum += (c % 2 == 0 ? 1 : -1) * a[off + c] * cofactorDet(minor, 0, n - 1);
        }
        return sum;
    }

    private static double[] minor(double[] a, int off, int n, int row, int col) {
        double[] m = new double[(n - 1) * (n - 1)];
        int k = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (i != row && j != col) {
                    m[k++] = a[off + i * n + j];
                }
            }
        }
        return m;
    }

    // ---------------------------------------------------------------------------------------------
    // Solve, inverse, triangular solve

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void solveSolvesBatchedSystems(DType type) {
        Tensor a = wellConditioned(1, type, 3, 4, 4);
        Tensor b = Tensors.randn(new Rng(2), type, 3, 4, 2);
        Tensor x = Linalg.solve(a, b);
        assertThat(x.dtype()).isEqualTo(type);
        assertClose(a.matmul(x), b, tol(type));
    }

    @Test
    void solveTakesVectorsAndBroadcastsBatchDims() {
        Tensor a = wellConditioned(3, DType.FLOAT64, 3, 4, 4);
        Tensor v = Tensors.randn(new Rng(4), DType.FLOAT64, 3, 4);
        Tensor x = Linalg.solve(a, v);
        assertThat(x.shape()).containsExactly(3, 4);
        assertClose(a.matmul(x.unsqueeze(-1)).squeeze(-1), v, 1e-10);
        Tensor single = Tensors.randn(new Rng(5), DType.FLOAT64, 4);
        assertClose(a.matmul(Linalg.solve(a, single).unsqueeze(-1)).squeeze(-1), single.expand(3, 4), 1e-10);
        Tensor a2 = wellConditioned(6, DType.FLOAT64, 4, 4);
        Tensor b = Tensors.randn(new Rng(7), DType.FLOAT64, 2, 4, 3);
        Tensor x2 = Linalg.solve(a2, b);
        assertThat(x2.shape()).containsExactly(2, 4, 3);
        assertClose(a2.matmul(x2), b, 1e-10);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void inverseTimesMatrixIsIdentity(DType type) {
        Tensor a = wellConditioned(8, type, 3, 5, 5);
        Tensor inv = a.inverse();
        assertClose(a.matmul(inv), identity(3, 5), tol(type));
        assertClose(inv.matmul(a), identity(3, 5), tol(type));
    }

    @Test
    void inverseOfPermutationNeedsPivoting() {
        // a zero in the top-left corner: no factorization without row exchanges
        Tensor a = Tensors.of(new double[] {0, 2, 3, 0}, 2, 2);
        assertClose(a.inverse(), Tensors.of(new double[] {0, 1.0 / 3, 0.5, 0}, 2, 2), 1e-15);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void solveTriangularReadsOnlyItsTriangle(boolean upper) {
        Tensor full = wellConditioned(9, DType.FLOAT64, 3, 4, 4);
        Tensor tri = upper ? full.triu(0) : full.tril(0);
        Tensor b = Tensors.randn(new Rng(10), DType.FLOAT64, 3, 4, 2);
        Tensor x = Linalg.solveTriangular(full, b, upper, false);
        assertClose(tri.matmul(x), b, 1e-10);
        Tensor unit = (upper ? full.triu(1) : full.tril(-1)).add(Tensors.eye(DType.FLOAT64, 4));
        Tensor xu = Linalg.solveTriangular(full, b, upper, true);
        assertClose(unit.matmul(xu), b, 1e-10);
    }

    // ---------------------------------------------------------------------------------------------
    // Determinants

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void detOfTriangularIsProductOfDiagonal(DType type) {
        Tensor u = Tensors.randn(new Rng(11), DType.FLOAT64, 5, 5).triu(0);
        double prod = 1;
        for (int i = 0; i < 5; i++) {
            prod *= u.toDoubleArray()[i * 5 + i];
        }
        assertThat(u.to(type).det().item()).isCloseTo(prod, within(tol(type) * Math.abs(prod)));
        assertThat(mT(u).to(type).det().item()).isCloseTo(prod, within(tol(type) * Math.abs(prod)));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 4, 5})
    void detAndSlogdetMatchCofactorExpansion(int n) {
        Tensor a = Tensors.randn(new Rng(12 + n), DType.FLOAT64, 3, n, n);
        double[] values = a.toDoubleArray();
        double[] det = a.det().toDoubleArray();
        SignLogAbsDet s = a.slogdet();
        double[] sign = s.sign().toDoubleArray();
        double[] logAbs = s.logAbsDet().toDoubleArray();
        assertThat(s.sign().shape()).containsExactly(3);
        for (int b = 0; b < 3; b++) {
            double expected = cofactorDet(values, b * n * n, n);
            assertThat(det[b]).isCloseTo(expected, within(1e-12 * Math.max(1, Math.abs(expected))));
            assertThat(sign[b]).isEqualTo(Math.signum(expected));
            assertThat(logAbs[b]).isCloseTo(Math.log(Math.abs(expected)), within(1e-12));
        }
    }

    @Test
    void slogdetReportsNegativeDeterminants() {
        // a row swap of diag(2, 3, 4): det = -24
        Tensor a = Tensors.of(new double[] {0, 3, 0, 2, 0, 0, 0, 0, 4}, 3, 3);
        SignLogAbsDet s = a.slogdet();
        assertThat(s.sign().item()).isEqualTo(-1.0);
        assertThat(s.logAbsDet().item()).isCloseTo(Math.log(24), within(1e-14));
        assertThat(a.det().item()).isCloseTo(-24, within(1e-12));
        SignLogAbsDet f = a.to(DType.FLOAT32).slogdet();
        assertThat(f.sign().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(f.logAbsDet().item()).isCloseTo(Math.log(24), within(1e-6));
    }

    @Test
    void singularMatricesGiveZeroDeterminantAndMinusInfinity() {
        Tensor singular = Tensors.of(new double[] {1, 2, 3, 2, 4, 6, 1, 0, 1}, 3, 3);
        Tensor batch = Tensor.stack(List.of(Tensors.eye(DType.FLOAT64, 3), singular), 0);
        SignLogAbsDet s = batch.slogdet();
        assertThat(s.sign().toDoubleArray()).containsExactly(1, 0);
        assertThat(s.logAbsDet().toDoubleArray()).containsExactly(0, Double.NEGATIVE_INFINITY);
        assertThat(batch.det().toDoubleArray()).containsExactly(1, 0);
        Tensor leaf = batch.requiresGrad(true);
        assertThatThrownBy(() -> leaf.slogdet().logAbsDet().sum().backward()).isInstanceOf(ArithmeticException.class)
                .hasMessage("slogdet: the gradient of log|det| is undefined at a singular matrix (matrix 1 of the "
                        + "batch [2])");
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void largeDeterminantsStayFiniteInLogSpace(DType type) {
        Tensor a = Tensors.eye(type, 200).mul(100.0);
        assertThat(a.slogdet().logAbsDet().item()).isCloseTo(200 * Math.log(100), within(1e-3));
        assertThat(a.det().item()).isInfinite();
    }

    // ---------------------------------------------------------------------------------------------
    // Factorizations

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void luFactorsReconstructThePermutedMatrix(DType type) {
        Tensor a = Tensors.randn(new Rng(20), type, 3, 4, 4);
        LU lu = a.lu();
        assertThat(lu.pivots().dtype()).isEqualTo(DType.INT64);
        assertThat(lu.pivots().shape()).containsExactly(3, 4);
        long[] piv = lu.pivots().toLongArray();
        double[] rows = a.toDoubleArray();
        // P·A: apply the recorded row swaps in order
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 4; i++) {
                int p = (int) piv[b * 4 + i];
                assertThat(p).isBetween(i, 3);
                for (int j = 0; j < 4; j++) {
                    double t = rows[b * 16 + i * 4 + j];
                    rows[b * 16 + i * 4 + j] = rows[b * 16 + p * 4 + j];
                    rows[b * 16 + p * 4 + j] = t;
                }
            }
        }
        Tensor l = lu.l();
        double[] lv = l.toDoubleArray();
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 4; i++) {
                assertThat(lv[b * 16 + i * 4 + i]).isEqualTo(1.0);
                for (int j = 0; j < 4; j++) {
                    // partial pivoting keeps every multiplier at most 1 in magnitude
                    assertThat(Math.abs(lv[b * 16 + i * 4 + j])).isLessThanOrEqualTo(1.0);
                }
            }
        }
        assertClose(l.matmul(lu.u()), Tensors.of(rows, 3, 4, 4), tol(type));
    }

    private static void assertOrthonormalColumns(Tensor q, double tol) {
        int k = q.size(-1);
        Tensor gram = mT(q).matmul(q);
        assertClose(gram, Tensors.eye(DType.FLOAT64, k).expand(gram.shape()), tol);
    }

    private static void assertUpperTriangular(Tensor r) {
        assertThat(r.tril(-1).abs().max().item()).isEqualTo(0.0);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4x4", "6x3", "3x6", "5x1"})
    void qrFactorsIntoOrthonormalTimesUpperTriangular(String dims) {
        int m = Integer.parseInt(dims.split("x")[0]);
        int n = Integer.parseInt(dims.split("x")[1]);
        int k = Math.min(m, n);
        for (DType type : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor a = Tensors.randn(new Rng(21), type, 3, m, n);
            QR qr = a.qr();
            assertThat(qr.q().shape()).containsExactly(3, m, k);
            assertThat(qr.r().shape()).containsExactly(3, k, n);
            assertThat(qr.q().dtype()).isEqualTo(type);
            assertOrthonormalColumns(qr.q(), tol(type));
            assertUpperTriangular(qr.r());
            assertClose(qr.q().matmul(qr.r()), a, tol(type));
        }
    }

    @Test
    void qrOfRankDeficientMatrixStillReconstructs() {
        Tensor a = Tensors.of(new double[] {1, 2, 2, 4, 3, 6}, 3, 2);
        QR qr = a.qr();
        assertOrthonormalColumns(qr.q(), 1e-12);
        assertClose(qr.q().matmul(qr.r()), a, 1e-12);
        assertThat(Math.abs(qr.r().toDoubleArray()[3])).isLessThan(1e-12);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void eighDiagonalizesSymmetricMatrices(DType type) {
        Tensor x = Tensors.randn(new Rng(22), DType.FLOAT64, 3, 5, 5);
        Tensor a = x.add(mT(x)).to(type);
        Eigh e = a.eigh();
        Tensor v = e.eigenvectors();
        Tensor w = e.eigenvalues();
        assertThat(w.shape()).containsExactly(3, 5);
        assertOrthonormalColumns(v, tol(type));
        assertClose(a.matmul(v), v.mul(w.unsqueeze(-2)), 10 * tol(type));
        double[] values = w.toDoubleArray();
        for (int b = 0; b < 3; b++) {
            for (int i = 1; i < 5; i++) {
                assertThat(values[b * 5 + i]).isGreaterThanOrEqualTo(values[b * 5 + i - 1]);
            }
        }
    }

    @Test
    void eighKnownSpectrum() {
        // [[2, 1], [1, 2]] has eigenvalues 1 and 3 with eigenvectors (1, -1)/√2 and (1, 1)/√2
        Eigh e = Tensors.of(new double[] {2, 1, 1, 2}, 2, 2).eigh();
        assertThat(e.eigenvalues().toDoubleArray()).containsExactly(new double[] {1, 3}, within(1e-14));
        double[] v = e.eigenvectors().toDoubleArray();
        assertThat(Math.abs(v[0] * v[2] + v[1] * v[3])).isLessThan(1e-14);
        assertThat(Math.abs(v[1])).isCloseTo(Math.sqrt(0.5), within(1e-14));
        assertThat(v[0] * v[2]).isCloseTo(-0.5, within(1e-14));
        // only the lower triangle is read
        Eigh lower = Tensors.of(new double[] {2, 99, 1, 2}, 2, 2).eigh();
        assertThat(lower.eigenvalues().toDoubleArray()).containsExactly(new double[] {1, 3}, within(1e-14));
        // repeated eigenvalues: the identity
        Eigh id = Tensors.eye(DType.FLOAT64, 3).eigh();
        assertThat(id.eigenvalues().toDoubleArray()).containsExactly(1, 1, 1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"4x4", "6x3", "3x6"})
    void svdReconstructsWithOrthonormalFactors(String dims) {
        int m = Integer.parseInt(dims.split("x")[0]);
        int n = Integer.parseInt(dims.split("x")[1]);
        int k = Math.min(m, n);
        for (DType type : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            Tensor a = Tensors.randn(new Rng(23), type, 3, m, n);
            SVD svd = a.svd();
            assertThat(svd.u().shape()).containsExactly(3, m, k);
            assertThat(svd.s().shape()).containsExactly(3, k);
            assertThat(svd.vh().shape()).containsExactly(3, k, n);
            assertOrthonormalColumns(svd.u(), tol(type));
            assertOrthonormalColumns(mT(svd.vh()), tol(type));
            assertClose(svd.u().mul(svd.s().unsqueeze(-2)).matmul(svd.vh()), a, tol(type));
            double[] s = svd.s().toDoubleArray();
            for (int b = 0; b < 3; b++) {
                for (int i = 1; i < k; i++) {
                    assertThat(s[b * k + i]).isLessThanOrEqualTo(s[b * k + i - 1]);
                }
                assertThat(s[b * k + k - 1]).isGreaterThanOrEqualTo(0.0);
            }
        }
    }

    @Test
    void jacobiMethodsConvergeOnLargerAndGradedMatrices() {
        Tensor x = Tensors.randn(new Rng(26), DType.FLOAT64, 40, 40);
        // graded rows: entries spanning twelve orders of magnitude
        Tensor graded = x.mul(Tensors.linspace(DType.FLOAT64, 0, -12, 40).exp().unsqueeze(1));
        Tensor sym = graded.matmul(mT(graded));
        Eigh e = sym.eigh();
        assertOrthonormalColumns(e.eigenvectors(), 1e-12);
        Tensor back = e.eigenvectors().mul(e.eigenvalues().unsqueeze(-2)).matmul(mT(e.eigenvectors()));
        assertThat(back.sub(sym).abs().max().item()).isLessThan(1e-12 * sym.abs().max().item());
        Tensor tall = Tensors.randn(new Rng(27), DType.FLOAT64, 50, 30);
        SVD svd = tall.matmul(graded.narrow(0, 0, 30).narrow(1, 0, 30)).svd();
        assertOrthonormalColumns(svd.u(), 1e-12);
        assertOrthonormalColumns(mT(svd.vh()), 1e-12);
        Tensor rebuilt = svd.u().mul(svd.s().unsqueeze(-2)).matmul(svd.vh());
        Tensor original = tall.matmul(graded.narrow(0, 0, 30).narrow(1, 0, 30));
        assertThat(rebuilt.sub(original).abs().max().item()).isLessThan(1e-12 * original.abs().max().item());
    }

    @Test
    void svdOfRankDeficientMatrixKeepsOrthonormalU() {
        // rank 1: u = (1, 2, 2)/3, v = (3, 4)/5, σ = 15
        Tensor a = Tensors.of(new double[] {3, 4}, 1, 2).mul(Tensors.of(new double[] {1, 2, 2}, 3, 1));
        SVD svd = a.svd();
        assertThat(svd.s().toDoubleArray()).containsExactly(new double[] {15, 0}, within(1e-12));
        assertOrthonormalColumns(svd.u(), 1e-12);
        assertClose(svd.u().mul(svd.s().unsqueeze(-2)).matmul(svd.vh()), a, 1e-12);
        assertThat(Tensors.zeros(DType.FLOAT64, 3, 3).svd().s().toDoubleArray()).containsExactly(0, 0, 0);
        assertOrthonormalColumns(Tensors.zeros(DType.FLOAT64, 3, 3).svd().u(), 1e-12);
    }

    @ParameterizedTest
    @EnumSource(value = DType.class, names = {"FLOAT32", "FLOAT64"})
    void choleskyFactorReconstructs(DType type) {
        Tensor x = Tensors.randn(new Rng(24), DType.FLOAT64, 3, 4, 4);
        Tensor a = x.matmul(mT(x)).add(Tensors.eye(DType.FLOAT64, 4)).to(type);
        Tensor l = a.cholesky();
        assertThat(l.triu(1).abs().max().item()).isEqualTo(0.0);
        double[] lv = l.toDoubleArray();
        for (int b = 0; b < 3; b++) {
            for (int i = 0; i < 4; i++) {
                assertThat(lv[b * 16 + i * 4 + i]).isPositive();
            }
        }
        assertClose(l.matmul(mT(l)), a, tol(type));
    }

    // ---------------------------------------------------------------------------------------------
    // Errors

    @Test
    void singularMatricesThrowNamingOpAndBatchIndex() {
        Tensor singular = Tensors.of(new double[] {1, 2, 2, 4}, 2, 2);
        Tensor batch = Tensor.stack(List.of(Tensors.eye(DType.FLOAT64, 2), singular), 0);
        assertThatThrownBy(batch::inverse).isInstanceOf(ArithmeticException.class)
                .hasMessage("inverse: matrix 1 of the batch [2] is singular (U[1, 1] = 0 in its LU factorization)");
        assertThatThrownBy(() -> Linalg.solve(singular, Tensors.ones(DType.FLOAT64, 2)))
                .isInstanceOf(ArithmeticException.class)
                .hasMessage("solve: the matrix is singular (U[1, 1] = 0 in its LU factorization)");
        Tensor zeroDiag = Tensors.of(new double[] {1, 5, 0, 0}, 2, 2);
        assertThatThrownBy(() -> Linalg.solveTriangular(zeroDiag, Tensors.ones(DType.FLOAT64, 2, 1), true, false))
                .isInstanceOf(ArithmeticException.class)
                .hasMessage("solveTriangular: the matrix is singular (A[1, 1] = 0 on its diagonal)");
        // unit diagonal: the stored zero is never read
        assertThat(Linalg.solveTriangular(zeroDiag, Tensors.ones(DType.FLOAT64, 2, 1), true, true).toDoubleArray())
                .containsExactly(-4, 1);
    }

    @Test
    void choleskyNamesTheFailingPivot() {
        Tensor a = Tensors.of(new double[] {4, 2, 0, 2, 5, 0, 0, 0, -1}, 3, 3);
        Tensor batch = Tensor.stack(List.of(Tensors.eye(DType.FLOAT64, 3), a), 0);
        assertThatThrownBy(batch::cholesky).isInstanceOf(ArithmeticException.class)
                .hasMessage("cholesky: matrix 1 of the batch [2] is not positive definite (pivot 2 is not "
                        + "positive: the leading minor of order 3 is not positive definite)");
    }

    @Test
    void shapeErrorsNameTheOpAndShapes() {
        Tensor rect = Tensors.zeros(DType.FLOAT64, 2, 3);
        assertThatThrownBy(rect::inverse).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("inverse: expected square matrices [..., n, n], got shape [2, 3]");
        assertThatThrownBy(rect::det).hasMessageContaining("det: expected square matrices");
        assertThatThrownBy(rect::slogdet).hasMessageContaining("slogdet: expected square matrices");
        assertThatThrownBy(rect::cholesky).hasMessageContaining("cholesky: expected square matrices");
        assertThatThrownBy(rect::eigh).hasMessageContaining("eigh: expected square matrices");
        assertThatThrownBy(rect::lu).hasMessageContaining("lu: expected square matrices");
        assertThatThrownBy(() -> Tensors.zeros(DType.FLOAT64, 3).qr()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("qr: expected a matrix or a batch of matrices (at least 2 dims), got shape [3]");
        assertThatThrownBy(() -> Tensors.of(new long[] {1, 0, 0, 1}, 2, 2).det())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("det: expected a floating-point tensor, "
                        + "got int64");
        Tensor a = Tensors.eye(DType.FLOAT64, 3);
        assertThatThrownBy(() -> Linalg.solve(a, Tensors.zeros(DType.FLOAT64, 2, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("solve: A is [3, 3] but B is [2, 1]; B needs 3 rows ([..., 3, k]) or shape [..., 3]");
        assertThatThrownBy(() -> Linalg.solve(a, Tensors.zeros(DType.FLOAT64, 2)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("solve: A is [3, 3] but the vector B is [2]; its length must be 3");
        assertThatThrownBy(() -> Linalg.solve(a.expand(2, 3, 3), Tensors.zeros(DType.FLOAT64, 4, 3, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("solve: batch dims of [2, 3, 3] and [4, 3, 1] do not broadcast");
        assertThatThrownBy(() -> Linalg.solveTriangular(a, Tensors.zeros(DType.FLOAT64, 2, 2), true, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("solveTriangular: A is [3, 3] but B is [2, 2]; B needs 3 rows ([..., 3, k])");
    }

    @Test
    void wideQrHasNoGradient() {
        Tensor a = Tensors.randn(new Rng(25), DType.FLOAT64, 2, 3).requiresGrad(true);
        Tensor loss = a.qr().r().sum();
        assertThatThrownBy(loss::backward).isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("qr: the gradient is implemented for m >= n");
    }

    // ---------------------------------------------------------------------------------------------
    // Gradients

    private static Tensor leaf(Tensor t) {
        return t.detach().requiresGrad(true);
    }

    @Test
    void solveGradients() {
        Tensor a = leaf(wellConditioned(30, DType.FLOAT64, 2, 3, 3));
        Tensor b = leaf(Tensors.randn(new Rng(31), DType.FLOAT64, 2, 3, 2));
        CHECK2.verify(in -> Linalg.solve(in[0], in[1]), a, b);
        Tensor v = leaf(Tensors.randn(new Rng(32), DType.FLOAT64, 3));
        CHECK.verify(in -> Linalg.solve(in[0], in[1]), a, v);
        Tensor single = leaf(wellConditioned(33, DType.FLOAT64, 3, 3));
        CHECK.verify(in -> Linalg.solve(in[0], in[1]), single, b);
    }

    @Test
    void inverseGradients() {
        Tensor a = leaf(wellConditioned(34, DType.FLOAT64, 2, 3, 3));
        CHECK2.verify(in -> in[0].inverse(), a);
    }

    @Test
    void detGradients() {
        Tensor a = leaf(wellConditioned(35, DType.FLOAT64, 2, 3, 3).mul(0.5));
        CHECK2.verify(in -> in[0].det(), a);
    }

    @Test
    void detGradientAtSingularMatrixIsCofactorMatrix() {
        double[] values = {1, 2, 3, 2, 4, 6, 1, 0, 1};
        Tensor a = leaf(Tensors.of(values, 3, 3));
        a.det().backward();
        double[] grad = a.grad().toDoubleArray();
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                double cofactor = ((i + j) % 2 == 0 ? 1 : -1) * cofactorDet(minor(values, 0, 3, i, j), 0, 2);
                assertThat(grad[i * 3 + j]).as("d det / d a[%d][%d]", i, j).isCloseTo(cofactor, within(1e-12));
            }
        }
    }

    @Test
    void slogdetGradients() {
        Tensor a = leaf(Tensors.randn(new Rng(36), DType.FLOAT64, 2, 3, 3));
        CHECK2.verify(in -> in[0].slogdet().logAbsDet(), a);
    }

    @Test
    void qrGradients() {
        GradCheck.TensorFn both = in -> {
            QR qr = in[0].qr();
            return Tensor.cat(List.of(qr.q().reshape(-1), qr.r().reshape(-1)), 0);
        };
        CHECK.verify(both, leaf(Tensors.randn(new Rng(37), DType.FLOAT64, 3, 3)));
        CHECK.verify(both, leaf(Tensors.randn(new Rng(38), DType.FLOAT64, 2, 4, 2)));
        CHECK2.verify(both, leaf(Tensors.randn(new Rng(39), DType.FLOAT64, 3, 2)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"upper", "lower", "upper-unit", "lower-unit"})
    void solveTriangularGradients(String kind) {
        boolean upper = kind.startsWith("upper");
        boolean unit = kind.endsWith("unit");
        Tensor a = leaf(wellConditioned(40, DType.FLOAT64, 2, 3, 3));
        Tensor b = leaf(Tensors.randn(new Rng(41), DType.FLOAT64, 3, 2));
        CHECK2.verify(in -> Linalg.solveTriangular(in[0], in[1], upper, unit), a, b);
    }

    @Test
    void choleskyGradients() {
        Tensor x = leaf(Tensors.randn(new Rng(42), DType.FLOAT64, 2, 3, 3));
        CHECK2.verify(in -> in[0].matmul(mT(in[0])).add(Tensors.eye(DType.FLOAT64, 3)).cholesky(), x);
    }
}
