package dev.jinn.kernel;

/**
 * Dense factorizations and solves of small matrices in double precision, on row-major {@code double[]} blocks
 * addressed by an offset: LU with partial pivoting, triangular solves, Householder QR, symmetric
 * eigendecomposition (cyclic Jacobi), SVD (one-sided Jacobi) and Cholesky. The algorithms are the textbook
 * ones (Golub and Van Loan, <i>Matrix Computations</i>); they aim at the matrices of invertible networks (a few
 * to a few hundred rows), not at large problems. Nothing here throws for singular or indefinite input: the
 * methods report the failing pivot and the caller words the error.
 */
public final class DenseLinalg {
    /** Sweeps of the Jacobi methods before giving up on convergence (they converge quadratically). */
    private static final int MAX_SWEEPS = 100;
    /** The unit roundoff's double, the spacing of doubles at 1. */
    private static final double EPS = 0x1p-52;

    private DenseLinalg() {
    }

    /**
     * LU factorization with partial pivoting, in place: {@code P·A = L·U} with {@code L} unit lower triangular
     * (below the diagonal of the result) and {@code U} upper triangular (on and above it). Pivots follow
     * LAPACK's {@code getrf}, 0-based: at step {@code i} row {@code i} was swapped with row {@code piv[i] >= i}.
     * A zero pivot column is skipped, as in LAPACK, so the factorization of a singular matrix is still complete.
     *
     * @param a   the {@code n×n} matrix, overwritten by the factors
     * @param off its offset
     * @param n   its order
     * @param piv receives the {@code n} pivots
     * @param po  the pivots' offset
     * @return the index of the first exactly zero diagonal element of {@code U}, or -1 when there is none
     */
    public static int lu(double[] a, int off, int n, int[] piv, int po) {
        int firstZero = -1;
        for (int k = 0; k < n; k++) {
            int p = k;
            double best = Math.abs(a[off + k * n + k]);
            for (int i = k + 1; i < n; i++) {
                double v = Math.abs(a[off + i * n + k]);
                if (v > best) {
                    best = v;
                    p = i;
                }
            }
            piv[po + k] = p;
            if (p != k) {
                for (int j = 0; j < n; j++) {
                    double t = a[off + k * n + j];
                    a[off + k * n + j] = a[off + p * n + j];
                    a[off + p * n + j] = t;
                }
            }
            double d = a[off + k * n + k];
            if (d == 0.0) {
                if (firstZero < 0) {
                    firstZero = k;
                }
                continue;
            }
            for (int i = k + 1; i < n; i++) {
                double l = a[off + i * n + k] / d;
                a[off + i * n + k] = l;
                if (l != 0.0) {
                    for (int j = k + 1; j < n; j++) {
                        a[off + i * n + j] -= l * a[off + k * n + j];
                    }
                }
            }
        }
        return firstZero;
    }

    /**
     * The sign of the permutation described by LU pivots: -1 for an odd number of row swaps, +1 otherwise.
     *
     * @param piv the pivots from {@link #lu}
     * @param po  their offset
     * @param n   how many
     * @return +1 or -1
     */
    public static int pivotSign(int[] piv, int po, int n) {
        int sign = 1;
        for (int i = 0; i < n; i++) {
            if (piv[po + i] != i) {
                sign = -sign;
            }
        }
        return sign;
    }

    /**
     * Solves {@code A·X = B} in place from the LU factors of {@code A} (see {@link #lu}); the factors must have no
     * zero diagonal element.
     *
     * @param lu  the factors
     * @param lo  their offset
     * @param n   the order of {@code A}
     * @param piv the pivots
     * @param po  their offset
     * @param b   the {@code n×k} right-hand side, overwritten by {@code X}
     * @param bo  its offset
     * @param k   its number of columns
     */
    public static void luSolve(double[] lu, int lo, int n, int[] piv, int po, double[] b, int bo, int k) {
        for (int i = 0; i < n; i++) {
            int p = piv[po + i];
            if (p != i) {
                for (int j = 0; j < k; j++) {
                    double t = b[bo + i * k + j];
                    b[bo + i * k + j] = b[bo + p * k + j];
                    b[bo + p * k + j] = t;
                }
            }
        }
        triangularSolve(lu, lo, n, false, true, b, bo, k);
        triangularSolve(lu, lo, n, true, false, b, bo, k);
    }

    /**
     * Solves {@code T·X = B} in place for a triangular {@code T} by substitution. Only the named triangle of
     * the storage is read (with {@code unit}, not even the diagonal), so packed LU factors can be passed as
     * they are. A zero diagonal element gives infinities or NaNs; check it first.
     *
     * @param t     the {@code n×n} matrix
     * @param to    its offset
     * @param n     its order
     * @param upper whether {@code T} is upper (else lower) triangular
     * @param unit  whether its diagonal is taken as all ones
     * @param b     the {@code n×k} right-hand side, overwritten by {@code X}
     * @param bo    its offset
     * @param k     its number of columns
     */
    public static void triangularSolve(double[] t, int to, int n, boolean upper, boolean unit, double[] b, int bo,
            int k) {
        for (int s = 0; s < n; s++) {
            int i = upper ? n - 1 - s : s;
            int from = upper ? i + 1 : 0;
            int to2 = upper ? n : i;
            for (int p = from; p < to2; p++) {
                double c = t[to + i * n + p];
                if (c != 0.0) {
                    for (int j = 0; j < k; j++) {
                        b[bo + i * k + j] -= c * b[bo + p * k + j];
                    }
                }
            }
            if (!unit) {
                double d = t[to + i * n + i];
                for (int j = 0; j < k; j++) {
                    b[bo + i * k + j] /= d;
                }
            }
        }
    }

    /**
     * Reduced Householder QR of an {@code m×n} matrix: {@code A = Q·R} with {@code Q} of shape {@code m×k}
     * (orthonormal columns) and {@code R} of shape {@code k×n} (upper triangular), {@code k = min(m, n)}. As in
     * LAPACK's {@code geqrf}/{@code orgqr} (and PyTorch), each reflector is {@code I - τvvᵀ} with
     * {@code v₀ = 1} and {@code R}'s diagonal gets the sign opposite to the column's leading element, so it may be
     * negative; a zero column gives {@code τ = 0} (no reflection).
     *
     * @param a  the matrix (read only)
     * @param ao its offset
     * @param m  rows
     * @param n  columns
     * @param q  receives {@code Q}, {@code m×k}
     * @param qo its offset
     * @param r  receives {@code R}, {@code k×n}
     * @param ro its offset
     */
    public static void qr(double[] a, int ao, int m, int n, double[] q, int qo, double[] r, int ro) {
        int k = Math.min(m, n);
        double[] w = new double[m * n];
        System.arraycopy(a, ao, w, 0, m * n);
        double[] tau = new double[k];
        for (int j = 0; j < k; j++) {
            double alpha = w[j * n + j];
            double tail = 0.0;
            for (int i = j + 1; i < m; i++) {
                tail += w[i * n + j] * w[i * n + j];
            }
            if (tail == 0.0) {
                tau[j] = 0.0;
                continue;
            }
            double beta = -Math.copySign(Math.sqrt(alpha * alpha + tail), alpha);
            tau[j] = (beta - alpha) / beta;
            double scale = 1.0 / (alpha - beta);
            for (int i = j + 1; i < m; i++) {
                w[i * n + j] *= scale;
            }
            w[j * n + j] = beta;
            // apply H = I - tau v vT to the trailing columns, v = (1, w[j+1..m-1, j])
            for (int c = j + 1; c < n; c++) {
                double s = w[j * n + c];
                for (int i = j + 1; i < m; i++) {
                    s += w[i * n + j] * w[i * n + c];
                }
                s *= tau[j];
                w[j * n + c] -= s;
                for (int i = j + 1; i < m; i++) {
                    w[i * n + c] -= s * w[i * n + j];
                }
            }
        }
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < n; j++) {
                r[ro + i * n + j] = j >= i ? w[i * n + j] : 0.0;
            }
        }
        // Q = H_0 H_1 ... H_(k-1) applied to the first k columns of the identity, back to front
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < k; j++) {
                q[qo + i * k + j] = i == j ? 1.0 : 0.0;
            }
        }
        for (int j = k - 1; j >= 0; j--) {
            if (tau[j] == 0.0) {
                continue;
            }
            for (int c = j; c < k; c++) {
                double s = q[qo + j * k + c];
                for (int i = j + 1; i < m; i++) {
                    s += w[i * n + j] * q[qo + i * k + c];
                }
                s *= tau[j];
                q[qo + j * k + c] -= s;
                for (int i = j + 1; i < m; i++) {
                    q[qo + i * k + c] -= s * w[i * n + j];
                }
            }
        }
    }

    /**
     * Eigendecomposition of a symmetric {@code n×n} matrix by the cyclic Jacobi method: {@code A = V·diag(λ)·Vᵀ}
     * with eigenvalues in ascending order and orthonormal eigenvectors as the columns of {@code V}. Only the
     * lower triangle of {@code A} is read (as LAPACK's {@code syevd} with {@code UPLO='L'}). Each eigenvector's
     * sign is arbitrary.
     *
     * @param a  the matrix (read only)
     * @param ao its offset
     * @param n  its order
     * @param w  receives the eigenvalues
     * @param wo their offset
     * @param v  receives the eigenvectors as columns, {@code n×n}
     * @param vo their offset
     */
    public static void eigh(double[] a, int ao, int n, double[] w, int wo, double[] v, int vo) {
        double[] s = new double[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j <= i; j++) {
                s[i * n + j] = a[ao + i * n + j];
                s[j * n + i] = a[ao + i * n + j];
            }
        }
        double[] e = new double[n * n];
        for (int i = 0; i < n; i++) {
            e[i * n + i] = 1.0;
        }
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double apq = s[p * n + q];
                    // negligible next to the diagonal (Demmel and Veselić's criterion): no rotation
                    if (Math.abs(apq) <= EPS * Math.sqrt(Math.abs(s[p * n + p] * s[q * n + q]))) {
                        continue;
                    }
                    rotated = true;
                    // rotation that zeroes s[p][q] (Golub and Van Loan, algorithm 8.5.1)
                    double theta = (s[q * n + q] - s[p * n + p]) / (2.0 * apq);
                    double t = tangent(theta);
                    double c = 1.0 / Math.sqrt(t * t + 1.0);
                    double sn = t * c;
                    rotateColumns(s, n, n, p, q, c, sn);
                    rotateRows(s, n, p, q, c, sn);
                    rotateColumns(e, n, n, p, q, c, sn);
                }
            }
            if (!rotated) {
                break;
            }
        }
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(s[x * n + x], s[y * n + y]));
        for (int c = 0; c < n; c++) {
            int src = order[c];
            w[wo + c] = s[src * n + src];
            for (int r = 0; r < n; r++) {
                v[vo + r * n + c] = e[r * n + src];
            }
        }
    }

    /**
     * The smaller root {@code t = tan(φ)} of {@code t² + 2θt - 1 = 0}, the tangent of a Jacobi rotation; for
     * huge {@code θ} (where {@code θ²} would overflow) its limit {@code 1/(2θ)}.
     */
    private static double tangent(double theta) {
        if (Math.abs(theta) > 1e150) {
            return 0.5 / theta;
        }
        return Math.copySign(1.0, theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1.0));
    }

    /**
     * Reduced singular value decomposition of an {@code m×n} matrix by one-sided Jacobi rotations:
     * {@code A = U·diag(S)·Vᵀ} with {@code k = min(m, n)} singular values in descending order, {@code U} of shape
     * {@code m×k} and {@code Vᵀ} of shape {@code k×n}, both with orthonormal rows/columns. Columns of {@code U}
     * for singular values below {@code m·ε·s_max} (zero up to rounding) are completed to an orthonormal set.
     * Signs of singular vector pairs are arbitrary.
     *
     * @param a   the matrix (read only)
     * @param ao  its offset
     * @param m   rows
     * @param n   columns
     * @param u   receives {@code U}, {@code m×k}
     * @param uo  its offset
     * @param s   receives the {@code k} singular values
     * @param so  their offset
     * @param vt  receives {@code Vᵀ}, {@code k×n}
     * @param vto its offset
     */
    public static void svd(double[] a, int ao, int m, int n, double[] u, int uo, double[] s, int so, double[] vt,
            int vto) {
        if (m == 0 || n == 0) {
            return;
        }
        if (m < n) {
            // A = U S Vt  <=>  At = V S Ut: decompose the tall transpose and swap the roles
            double[] at = new double[m * n];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    at[j * m + i] = a[ao + i * n + j];
                }
            }
            double[] ut = new double[n * m];
            double[] vtt = new double[m * m];
            svd(at, 0, n, m, ut, 0, s, so, vtt, 0);
            // ut is V (n×m) -> vt = Vᵀ (m×n); vtt is Uᵀ (m×m) -> u = U
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < m; j++) {
                    vt[vto + j * n + i] = ut[i * m + j];
                }
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < m; j++) {
                    u[uo + i * m + j] = vtt[j * m + i];
                }
            }
            return;
        }
        // m >= n: orthogonalize the columns of W = A·V by rotations accumulated in V
        double[] w = new double[m * n];
        System.arraycopy(a, ao, w, 0, m * n);
        double[] v = new double[n * n];
        for (int i = 0; i < n; i++) {
            v[i * n + i] = 1.0;
        }
        double orthogonal = Math.sqrt(m) * EPS;
        for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
            boolean rotated = false;
            for (int p = 0; p < n - 1; p++) {
                for (int q = p + 1; q < n; q++) {
                    double alpha = 0.0;
                    double beta = 0.0;
                    double gamma = 0.0;
                    for (int i = 0; i < m; i++) {
                        double wp = w[i * n + p];
                        double wq = w[i * n + q];
                        alpha += wp * wp;
                        beta += wq * wq;
                        gamma += wp * wq;
                    }
                    // columns orthogonal to working precision: cos(angle) below √m·ε
                    if (Math.abs(gamma) <= orthogonal * Math.sqrt(alpha * beta)) {
                        continue;
                    }
                    rotated = true;
                    double zeta = (beta - alpha) / (2.0 * gamma);
                    double t = tangent(zeta);
                    double c = 1.0 / Math.sqrt(1.0 + t * t);
                    double sn = c * t;
                    rotateColumns(w, m, n, p, q, c, sn);
                    rotateColumns(v, n, n, p, q, c, sn);
                }
            }
            if (!rotated) {
                break;
            }
        }
        double[] norms = new double[n];
        Integer[] order = new Integer[n];
        for (int j = 0; j < n; j++) {
            double x = 0.0;
            for (int i = 0; i < m; i++) {
                x += w[i * n + j] * w[i * n + j];
            }
            norms[j] = Math.sqrt(x);
            order[j] = j;
        }
        java.util.Arrays.sort(order, (x, y) -> Double.compare(norms[y], norms[x]));
        // columns at the level of rounding noise (numerical rank, as in LAPACK's rcond = m·ε) give no reliable
        // direction: their U columns are completed to an orthonormal set instead
        double tiny = norms[order[0]] * m * EPS;
        boolean[] missing = new boolean[n];
        for (int c = 0; c < n; c++) {
            int src = order[c];
            double sv = norms[src];
            s[so + c] = sv;
            for (int i = 0; i < n; i++) {
                vt[vto + c * n + i] = v[i * n + src];
            }
            missing[c] = sv <= tiny;
            for (int i = 0; i < m; i++) {
                u[uo + i * n + c] = missing[c] ? 0.0 : w[i * n + src] / sv;
            }
        }
        completeColumns(u, uo, m, n, missing);
    }

    /**
     * Replaces the flagged columns of an {@code m×k} matrix with orthonormal columns (Gram-Schmidt on unit
     * vectors), so that all its columns are orthonormal.
     */
    private static void completeColumns(double[] u, int uo, int m, int k, boolean[] missing) {
        int candidate = 0;
        for (int c = 0; c < k; c++) {
            if (!missing[c]) {
                continue;
            }
            while (candidate < m) {
                double[] x = new double[m];
                x[candidate++] = 1.0;
                for (int pass = 0; pass < 2; pass++) {
                    for (int o = 0; o < k; o++) {
                        if (o == c || (missing[o] && o > c)) {
                            continue;
                        }
                        double d = 0.0;
                        for (int i = 0; i < m; i++) {
                            d += x[i] * u[uo + i * k + o];
                        }
                        for (int i = 0; i < m; i++) {
                            x[i] -= d * u[uo + i * k + o];
                        }
                    }
                }
                double norm = 0.0;
                for (int i = 0; i < m; i++) {
                    norm += x[i] * x[i];
                }
                norm = Math.sqrt(norm);
                if (norm > 1e-8) {
                    for (int i = 0; i < m; i++) {
                        u[uo + i * k + c] = x[i] / norm;
                    }
                    missing[c] = false;
                    break;
                }
            }
        }
    }

    /**
     * Cholesky factorization {@code A = L·Lᵀ} of a symmetric positive-definite matrix, reading only its lower
     * triangle; {@code L} is lower triangular with a positive diagonal and zeros above it.
     *
     * @param a  the matrix (read only)
     * @param ao its offset
     * @param n  its order
     * @param l  receives {@code L}, {@code n×n}
     * @param lo its offset
     * @return -1 on success, else the index of the first pivot that is not positive (or not finite): the leading
     *     minor of that order is not positive definite, and {@code l} is incomplete
     */
    public static int cholesky(double[] a, int ao, int n, double[] l, int lo) {
        for (int i = 0; i < n * n; i++) {
            l[lo + i] = 0.0;
        }
        for (int j = 0; j < n; j++) {
            double d = a[ao + j * n + j];
            for (int p = 0; p < j; p++) {
                d -= l[lo + j * n + p] * l[lo + j * n + p];
            }
            if (!(d > 0.0) || Double.isInfinite(d)) {
                return j;
            }
            double ljj = Math.sqrt(d);
            l[lo + j * n + j] = ljj;
            for (int i = j + 1; i < n; i++) {
                double x = a[ao + i * n + j];
                for (int p = 0; p < j; p++) {
                    x -= l[lo + i * n + p] * l[lo + j * n + p];
                }
                l[lo + i * n + j] = x / ljj;
            }
        }
        return -1;
    }

    /**
     * The adjugate {@code adj(A)} of a square matrix (the transpose of its cofactor matrix, equal to
     * {@code det(A)·A⁻¹} when {@code A} is invertible), computed from the SVD {@code A = U·S·Vᵀ} as
     * {@code det(U)·det(V)·V·diag(∏_(j≠i) s_j)·Uᵀ}, which stays valid for singular matrices.
     *
     * @param a   the {@code n×n} matrix (read only)
     * @param ao  its offset
     * @param n   its order
     * @param adj receives the adjugate
     * @param oo  its offset
     */
    public static void adjugate(double[] a, int ao, int n, double[] adj, int oo) {
        double[] u = new double[n * n];
        double[] s = new double[n];
        double[] vt = new double[n * n];
        svd(a, ao, n, n, u, 0, s, 0, vt, 0);
        double sign = orthogonalDet(u, n) * orthogonalDet(vt, n);
        double[] others = new double[n];
        for (int i = 0; i < n; i++) {
            double p = sign;
            for (int j = 0; j < n; j++) {
                if (j != i) {
                    p *= s[j];
                }
            }
            others[i] = p;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double x = 0.0;
                for (int c = 0; c < n; c++) {
                    x += vt[c * n + i] * others[c] * u[j * n + c];
                }
                adj[oo + i * n + j] = x;
            }
        }
    }

    /** The determinant (±1) of an orthogonal matrix, from its LU factorization. */
    private static double orthogonalDet(double[] q, int n) {
        double[] w = q.clone();
        int[] piv = new int[n];
        lu(w, 0, n, piv, 0);
        double d = pivotSign(piv, 0, n);
        for (int i = 0; i < n; i++) {
            d *= Math.signum(w[i * n + i]);
        }
        return d;
    }

    /**
     * Applies the plane rotation (c, sn) to columns p and q of a row-major matrix with {@code rows} rows and row
     * stride {@code stride}: {@code (a_p, a_q) ← (c·a_p − sn·a_q, sn·a_p + c·a_q)}. Shared by the Jacobi sweeps.
     */
    private static void rotateColumns(double[] a, int rows, int stride, int p, int q, double c, double sn) {
        for (int k = 0; k < rows; k++) {
            double ap = a[k * stride + p];
            double aq = a[k * stride + q];
            a[k * stride + p] = c * ap - sn * aq;
            a[k * stride + q] = sn * ap + c * aq;
        }
    }

    /** The same rotation applied to rows p and q of a row-major {@code n×n} matrix. */
    private static void rotateRows(double[] a, int n, int p, int q, double c, double sn) {
        for (int k = 0; k < n; k++) {
            double ap = a[p * n + k];
            double aq = a[q * n + k];
            a[p * n + k] = c * ap - sn * aq;
            a[q * n + k] = sn * ap + c * aq;
        }
    }
}
