package dev.jinn.tensor;

import dev.jinn.autograd.Function;
import dev.jinn.autograd.FunctionContext;
import dev.jinn.kernel.DenseLinalg;
import java.util.Arrays;

/**
 * Dense linear algebra on batches of small matrices (solve, inverse, determinants, QR, triangular solve, LU,
 * Cholesky, symmetric eigendecomposition, SVD), each with its backward rule where it has one. Forward passes
 * run {@link DenseLinalg}'s double-precision kernels (float32 inputs are widened and the results narrowed
 * back); backward rules are written with tensor operations, so gradients of gradients work.
 */
final class DecompOps {
    private DecompOps() {
    }

    // ---------------------------------------------------------------------------------------------
    // Helpers

    /** Checks that {@code x} is a batch of square floating-point matrices; returns their order. */
    private static int requireSquare(String op, Tensor x) {
        requireMatrices(op, x);
        int n = x.shape[x.shape.length - 1];
        if (x.shape[x.shape.length - 2] != n) {
            throw new IllegalArgumentException(op + ": expected square matrices [..., n, n], got shape "
                    + Shapes.str(x.shape));
        }
        return n;
    }

    private static void requireMatrices(String op, Tensor x) {
        if (x.shape.length < 2) {
            throw new IllegalArgumentException(op + ": expected a matrix or a batch of matrices (at least 2 dims), "
                    + "got shape " + Shapes.str(x.shape));
        }
        if (!x.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a floating-point tensor, got " + x.dtype);
        }
    }

    private static int[] batchShape(Tensor x) {
        return Arrays.copyOf(x.shape, x.shape.length - 2);
    }

    private static int[] withMatrix(int[] batch, int rows, int cols) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = rows;
        s[batch.length + 1] = cols;
        return s;
    }

    private static int[] withVector(int[] batch, int len) {
        int[] s = Arrays.copyOf(batch, batch.length + 1);
        s[batch.length] = len;
        return s;
    }

    /** The values of {@code x} read as if broadcast to {@code target} (no recording), as fresh doubles. */
    private static double[] doubles(Tensor x, int[] target) {
        Tensor view = Arrays.equals(x.shape, target) ? x
                : new Tensor(x, target, Shapes.broadcastStrides(x.shape, x.strides, target), x.offset);
        return (double[]) Elementwise.copy(view, DType.FLOAT64).data();
    }

    /** A new tensor of {@code type} holding {@code values}. */
    private static Tensor wrap(double[] values, DType type, int[] shape) {
        if (type == DType.FLOAT64) {
            return new Tensor(values, type, shape);
        }
        float[] f = new float[values.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) values[i];
        }
        return new Tensor(f, DType.FLOAT32, shape);
    }

    /** Swaps the last two dims. */
    private static Tensor mT(Tensor x) {
        return x.transpose(-1, -2);
    }

    /** Appends two size-1 dims, so a batch of scalars scales a batch of matrices. */
    private static Tensor asMatrixScale(Tensor x) {
        return x.unsqueeze(-1).unsqueeze(-1);
    }

    private static String which(int[] batch, int index) {
        return batch.length == 0 ? "the matrix" : "matrix " + index + " of the batch " + Shapes.str(batch);
    }

    private static ArithmeticException singular(String op, int[] batch, int index, int pivot) {
        return new ArithmeticException(op + ": " + which(batch, index) + " is singular (U[" + pivot + ", " + pivot
                + "] = 0 in its LU factorization)");
    }

    /** The common batch shape of two operands, or an error naming the op and both shapes. */
    private static int[] commonBatch(String op, Tensor a, Tensor b) {
        try {
            return Shapes.broadcast(op, batchShape(a), batchShape(b));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(op + ": batch dims of " + Shapes.str(a.shape) + " and "
                    + Shapes.str(b.shape) + " do not broadcast", e);
        }
    }

    /** LU factors of every matrix of a batch; throws for a singular one when {@code op} is not null. */
    private static final class Factors {
        final double[] lu;
        final int[] piv;
        final int[] firstZero;

        Factors(String op, Tensor a, int[] batch, int n) {
            lu = doubles(a, withMatrix(batch, n, n));
            int count = Shapes.numel(batch);
            piv = new int[count * n];
            firstZero = new int[count];
            for (int i = 0; i < count; i++) {
                firstZero[i] = DenseLinalg.lu(lu, i * n * n, n, piv, i * n);
                if (op != null && firstZero[i] >= 0) {
                    throw singular(op, batch, i, firstZero[i]);
                }
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Solves and inverse

    static Tensor solve(Tensor a, Tensor b) {
        int n = requireSquare("solve", a);
        if (!b.dtype.isFloatingPoint()) {
            throw new IllegalArgumentException("solve: expected a floating-point right-hand side, got " + b.dtype);
        }
        boolean vector = b.shape.length == 1
                || (b.shape.length == a.shape.length - 1 && Arrays.equals(b.shape, Arrays.copyOf(a.shape,
                        a.shape.length - 1)));
        if (vector) {
            if (b.shape[b.shape.length - 1] != n) {
                throw new IllegalArgumentException("solve: A is " + Shapes.str(a.shape) + " but the vector B is "
                        + Shapes.str(b.shape) + "; its length must be " + n);
            }
            return solve(a, b.unsqueeze(-1)).squeeze(-1);
        }
        if (b.shape[b.shape.length - 2] != n) {
            throw new IllegalArgumentException("solve: A is " + Shapes.str(a.shape) + " but B is "
                    + Shapes.str(b.shape) + "; B needs " + n + " rows ([..., " + n + ", k]) or shape [..., " + n
                    + "]");
        }
        int k = b.shape[b.shape.length - 1];
        int[] batch = commonBatch("solve", a, b);
        Factors f = new Factors("solve", a, batch, n);
        double[] x = doubles(b, withMatrix(batch, n, k));
        for (int i = 0; i < Shapes.numel(batch); i++) {
            DenseLinalg.luSolve(f.lu, i * n * n, n, f.piv, i * n, x, i * n * k, k);
        }
        Tensor out = wrap(x, BinaryOps.resultType(a, b), withMatrix(batch, n, k));
        return Tensor.record("SolveBackward", out, (g, node) -> {
            // X = A⁻¹B: gB = A⁻ᵀ g, gA = -gB Xᵀ
            Tensor gb = solve(mT(a), g);
            return new Tensor[] {
                node.needs(0) ? BinaryOps.reduceTo(gb.matmul(mT(out)).neg(), a) : null,
                node.needs(1) ? BinaryOps.reduceTo(gb, b) : null};
        }, a, b);
    }

    static Tensor inverse(Tensor a) {
        int n = requireSquare("inverse", a);
        int[] batch = batchShape(a);
        Factors f = new Factors("inverse", a, batch, n);
        int count = Shapes.numel(batch);
        double[] x = new double[count * n * n];
        for (int i = 0; i < count; i++) {
            for (int d = 0; d < n; d++) {
                x[i * n * n + d * n + d] = 1.0;
            }
            DenseLinalg.luSolve(f.lu, i * n * n, n, f.piv, i * n, x, i * n * n, n);
        }
        Tensor out = wrap(x, a.dtype, a.shape.clone());
        return Tensor.record("InverseBackward", out, (g, node) -> {
            Tensor xt = mT(out);
            return new Tensor[] {xt.matmul(g).matmul(xt).neg()};
        }, a);
    }

    static Tensor solveTriangular(Tensor a, Tensor b, boolean upper, boolean unitriangular) {
        String op = "solveTriangular";
        int n = requireSquare(op, a);
        requireMatrices(op, b);
        if (b.shape[b.shape.length - 2] != n) {
            throw new IllegalArgumentException(op + ": A is " + Shapes.str(a.shape) + " but B is "
                    + Shapes.str(b.shape) + "; B needs " + n + " rows ([..., " + n + ", k])");
        }
        int k = b.shape[b.shape.length - 1];
        int[] batch = commonBatch(op, a, b);
        double[] t = doubles(a, withMatrix(batch, n, n));
        double[] x = doubles(b, withMatrix(batch, n, k));
        for (int i = 0; i < Shapes.numel(batch); i++) {
            if (!unitriangular) {
                for (int d = 0; d < n; d++) {
                    if (t[i * n * n + d * n + d] == 0.0) {
                        throw new ArithmeticException(op + ": " + which(batch, i) + " is singular (A[" + d + ", " + d
                                + "] = 0 on its diagonal)");
                    }
                }
            }
            DenseLinalg.triangularSolve(t, i * n * n, n, upper, unitriangular, x, i * n * k, k);
        }
        Tensor out = wrap(x, BinaryOps.resultType(a, b), withMatrix(batch, n, k));
        return Tensor.record("SolveTriangularBackward", out, (g, node) -> {
            Tensor gb = solveTriangular(mT(a), g, !upper, unitriangular);
            Tensor ga = null;
            if (node.needs(0)) {
                // only the triangle that the solve read gets a gradient
                Tensor full = gb.matmul(mT(out)).neg();
                int diag = unitriangular ? 1 : 0;
                ga = BinaryOps.reduceTo(upper ? full.triu(diag) : full.tril(-diag), a);
            }
            return new Tensor[] {ga, node.needs(1) ? BinaryOps.reduceTo(gb, b) : null};
        }, a, b);
    }

    // ---------------------------------------------------------------------------------------------
    // Determinants

    static Tensor det(Tensor a) {
        int n = requireSquare("det", a);
        int[] batch = batchShape(a);
        Factors f = new Factors(null, a, batch, n);
        int count = Shapes.numel(batch);
        double[] d = new double[count];
        boolean anySingular = false;
        for (int i = 0; i < count; i++) {
            double p = DenseLinalg.pivotSign(f.piv, i * n, n);
            for (int j = 0; j < n; j++) {
                p *= f.lu[i * n * n + j * n + j];
            }
            // a zero pivot makes the product +0 or -0; report a plain 0
            d[i] = f.firstZero[i] >= 0 ? 0.0 : p;
            anySingular |= f.firstZero[i] >= 0;
        }
        Tensor out = wrap(d, a.dtype, batch.clone());
        boolean singularInBatch = anySingular;
        return Tensor.record("DetBackward", out, (g, node) -> {
            Tensor scale = asMatrixScale(g);
            if (!singularInBatch) {
                // d det / dA = det · A⁻ᵀ
                return new Tensor[] {scale.mul(asMatrixScale(out)).mul(mT(inverse(a)))};
            }
            // the cofactor matrix adj(A)ᵀ, valid for singular A too (not differentiable again)
            return new Tensor[] {scale.mul(mT(adjugate(a, batch, n)))};
        }, a);
    }

    /** The adjugate of every matrix of a batch, as a constant. */
    private static Tensor adjugate(Tensor a, int[] batch, int n) {
        double[] x = doubles(a, a.shape);
        double[] adj = new double[x.length];
        for (int i = 0; i < Shapes.numel(batch); i++) {
            DenseLinalg.adjugate(x, i * n * n, n, adj, i * n * n);
        }
        return wrap(adj, a.dtype, a.shape.clone());
    }

    static SignLogAbsDet slogdet(Tensor a) {
        int n = requireSquare("slogdet", a);
        int[] batch = batchShape(a);
        Factors f = new Factors(null, a, batch, n);
        int count = Shapes.numel(batch);
        double[] sign = new double[count];
        double[] logAbs = new double[count];
        for (int i = 0; i < count; i++) {
            if (f.firstZero[i] >= 0) {
                logAbs[i] = Double.NEGATIVE_INFINITY;
                continue;
            }
            double s = DenseLinalg.pivotSign(f.piv, i * n, n);
            double l = 0.0;
            for (int j = 0; j < n; j++) {
                double u = f.lu[i * n * n + j * n + j];
                s *= Math.signum(u);
                l += Math.log(Math.abs(u));
            }
            sign[i] = s;
            logAbs[i] = l;
        }
        int firstSingular = -1;
        for (int i = count - 1; i >= 0; i--) {
            firstSingular = f.firstZero[i] >= 0 ? i : firstSingular;
        }
        int singularIndex = firstSingular;
        Tensor out = wrap(logAbs, a.dtype, batch.clone());
        Tensor recorded = Tensor.record("SlogdetBackward", out, (g, node) -> {
            if (singularIndex >= 0) {
                throw new ArithmeticException("slogdet: the gradient of log|det| is undefined at a singular matrix ("
                        + which(batch, singularIndex) + ")");
            }
            // d log|det A| / dA = A⁻ᵀ
            return new Tensor[] {asMatrixScale(g).mul(mT(inverse(a)))};
        }, a);
        return new SignLogAbsDet(wrap(sign, a.dtype, batch.clone()), recorded);
    }

    static LU lu(Tensor a) {
        int n = requireSquare("lu", a);
        int[] batch = batchShape(a);
        Factors f = new Factors(null, a, batch, n);
        long[] piv = new long[f.piv.length];
        for (int i = 0; i < piv.length; i++) {
            piv[i] = f.piv[i];
        }
        return new LU(wrap(f.lu, a.dtype, a.shape.clone()), new Tensor(piv, DType.INT64, withVector(batch, n)));
    }

    // ---------------------------------------------------------------------------------------------
    // QR

    static QR qr(Tensor a) {
        requireMatrices("qr", a);
        Tensor[] qr = new QrFunction().apply(a);
        return new QR(qr[0], qr[1]);
    }

    /** Reduced Householder QR with the backward rule for {@code m >= n}. */
    private static final class QrFunction extends Function {
        @Override
        public String name() {
            return "QrBackward";
        }

        @Override
        protected Tensor[] forward(FunctionContext ctx, Tensor... in) {
            Tensor a = in[0];
            Rectangular b = new Rectangular(a);
            int m = b.m;
            int n = b.n;
            int k = b.k;
            double[] q = new double[b.count * m * k];
            double[] r = new double[b.count * k * n];
            for (int i = 0; i < b.count; i++) {
                DenseLinalg.qr(b.values, i * m * n, m, n, q, i * m * k, r, i * k * n);
            }
            Tensor tq = wrap(q, a.dtype, withMatrix(b.batch, m, k));
            Tensor tr = wrap(r, a.dtype, withMatrix(b.batch, k, n));
            ctx.saveForBackward(tq, tr);
            return new Tensor[] {tq, tr};
        }

        @Override
        protected Tensor[] backward(FunctionContext ctx, Tensor... grads) {
            Tensor q = ctx.savedTensors().get(0);
            Tensor r = ctx.savedTensors().get(1);
            int m = q.shape[q.shape.length - 2];
            int n = r.shape[r.shape.length - 1];
            if (m < n) {
                throw new UnsupportedOperationException("qr: the gradient is implemented for m >= n (square or tall "
                        + "matrices); got " + m + "×" + n);
            }
            // A = QR, R square and invertible: gA = (gQ + Q·copyu(M))·R⁻ᵀ with M = gR·Rᵀ - Qᵀ·gQ and
            // copyu(M) the symmetric matrix with M's upper triangle
            Tensor gq = grads[0];
            Tensor gr = grads[1];
            Tensor mm = gr.matmul(mT(r)).sub(mT(q).matmul(gq));
            Tensor sym = mm.triu(0).add(mT(mm.triu(1)));
            Tensor b = gq.add(q.matmul(sym));
            // b·R⁻ᵀ = (R⁻¹·bᵀ)ᵀ
            return new Tensor[] {mT(solveTriangular(r, mT(b), true, false))};
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Cholesky, eigh, SVD

    static Tensor cholesky(Tensor a) {
        int n = requireSquare("cholesky", a);
        int[] batch = batchShape(a);
        double[] x = doubles(a, a.shape);
        double[] l = new double[x.length];
        for (int i = 0; i < Shapes.numel(batch); i++) {
            int failed = DenseLinalg.cholesky(x, i * n * n, n, l, i * n * n);
            if (failed >= 0) {
                throw new ArithmeticException("cholesky: " + which(batch, i) + " is not positive definite (pivot "
                        + failed + " is not positive: the leading minor of order " + (failed + 1) + " is not "
                        + "positive definite)");
            }
        }
        Tensor out = wrap(l, a.dtype, a.shape.clone());
        return Tensor.record("CholeskyBackward", out, (g, node) -> {
            // A = LLᵀ: gA = L⁻ᵀ·S·L⁻¹ with S = ½(tril(Lᵀ gL) + tril(Lᵀ gL, -1)ᵀ), symmetric
            Tensor p = mT(out).matmul(g).tril(0);
            Tensor s = p.add(mT(p.tril(-1))).mul(0.5);
            Tensor z = solveTriangular(mT(out), s, true, false);
            return new Tensor[] {mT(solveTriangular(mT(out), mT(z), true, false))};
        }, a);
    }

    static Eigh eigh(Tensor a) {
        int n = requireSquare("eigh", a);
        int[] batch = batchShape(a);
        double[] x = doubles(a, a.shape);
        int count = Shapes.numel(batch);
        double[] w = new double[count * n];
        double[] v = new double[count * n * n];
        for (int i = 0; i < count; i++) {
            DenseLinalg.eigh(x, i * n * n, n, w, i * n, v, i * n * n);
        }
        return new Eigh(wrap(w, a.dtype, withVector(batch, n)), wrap(v, a.dtype, a.shape.clone()));
    }

    static SVD svd(Tensor a) {
        requireMatrices("svd", a);
        Rectangular b = new Rectangular(a);
        int m = b.m;
        int n = b.n;
        int k = b.k;
        double[] u = new double[b.count * m * k];
        double[] s = new double[b.count * k];
        double[] vt = new double[b.count * k * n];
        for (int i = 0; i < b.count; i++) {
            DenseLinalg.svd(b.values, i * m * n, m, n, u, i * m * k, s, i * k, vt, i * k * n);
        }
        return new SVD(wrap(u, a.dtype, withMatrix(b.batch, m, k)), wrap(s, a.dtype, withVector(b.batch, k)),
                wrap(vt, a.dtype, withMatrix(b.batch, k, n)));
    }

    /**
     * A batch of {@code m×n} matrices copied to float64 for the reduced decompositions (QR, SVD), whose factors
     * have the inner size {@code k = min(m, n)}.
     */
    private static final class Rectangular {
        final int m;
        final int n;
        final int k;
        final int[] batch;
        final int count;
        final double[] values;

        Rectangular(Tensor a) {
            m = a.shape[a.shape.length - 2];
            n = a.shape[a.shape.length - 1];
            k = Math.min(m, n);
            batch = batchShape(a);
            count = Shapes.numel(batch);
            values = doubles(a, a.shape);
        }
    }
}
