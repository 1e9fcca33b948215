package dev.jinn.kernel;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;

/**
 * The pure-Java GEMM backend, always available. Every element of {@code C} is the sum of its k terms added in
 * order p = 0..k-1 in the operands' own precision (float32 accumulates in float32, as BLAS does), starting from
 * zero. Blocking, the choice of loop order and the split over threads never change that order, so results are
 * bit-identical for every thread count and every path below.
 *
 * <p>Wide outputs take the (i, p, j) order over {@value #KC}-deep, {@value #NC}-wide blocks of B: four terms per
 * pass update a contiguous row slice of C, a loop C2 vectorises; a B that is not row-contiguous (a transposed
 * view, as in {@code x·Wᵀ}) is first packed into a contiguous panel. Outputs narrower than {@value #NARROW}
 * columns (such as the 512→2 layers of small flows) use register-blocked dot products, 4 rows × 2 columns at a
 * time. Above {@value #PARALLEL_WORK} multiply-adds the rows (or columns, when wider) are split over
 * {@link Threads#pool()}.
 */
final class JavaGemm implements GemmBackend {
    /** The one instance. */
    static final JavaGemm INSTANCE = new JavaGemm();
    /** Below this many output columns the register-blocked dot products are used. */
    static final int NARROW = 8;
    /** Depth of a block of B. */
    static final int KC = 256;
    /** Width of a block of B and C. */
    static final int NC = 256;
    /** Multiply-adds above which the work is split over the pool (measured: about 0.1 ms of work). */
    static final long PARALLEL_WORK = 1L << 19;

    private static final ThreadLocal<float[]> SPANEL = ThreadLocal.withInitial(() -> new float[KC * NC]);
    private static final ThreadLocal<double[]> DPANEL = ThreadLocal.withInitial(() -> new double[KC * NC]);

    private JavaGemm() {
    }

    @Override
    public String name() {
        return "java";
    }

    @Override
    public void sgemm(int m, int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br, int bc,
            float[] c, int co) {
        sgemm(Threads.pool(), Threads.count(), m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co);
    }

    /** As {@link #sgemm(int, int, int, float[], int, int, int, float[], int, int, int, float[], int)} on a given pool. */
    static void sgemm(ForkJoinPool pool, int threads, int m, int n, int k, float[] a, int ao, int ar, int ac,
            float[] b, int bo, int br, int bc, float[] c, int co) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c, co, co + m * n, 0f);
            return;
        }
        long work = (long) m * n * k;
        int parts = pool == null || work < PARALLEL_WORK ? 1 : Math.min(threads, Math.max(m, n));
        if (parts == 1) {
            sblock(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co, 0, m, 0, n);
            return;
        }
        boolean byRows = m >= n;
        int extent = byRows ? m : n;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[parts];
        for (int t = 0; t < parts; t++) {
            int lo = (int) ((long) extent * t / parts);
            int hi = (int) ((long) extent * (t + 1) / parts);
            Runnable r = byRows
                    ? () -> sblock(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co, lo, hi, 0, n)
                    : () -> sblock(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co, 0, m, lo, hi);
            tasks[t] = t == 0 ? ForkJoinTask.adapt(r) : pool.submit(r);
        }
        tasks[0].invoke();
        for (int t = 1; t < parts; t++) {
            tasks[t].join();
        }
    }

    /** Computes the rectangle {@code [i0, i1) × [j0, j1)} of C; every element's terms are added in order p = 0..k-1. */
    private static void sblock(int m, int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br,
            int bc, float[] c, int co, int i0, int i1, int j0, int j1) {
        if (j1 - j0 < NARROW) {
            sdots(n, k, a, ao, ar, ac, b, bo, br, bc, c, co, i0, i1, j0, j1);
            return;
        }
        for (int i = i0; i < i1; i++) {
            Arrays.fill(c, co + i * n + j0, co + i * n + j1, 0f);
        }
        float[] panel = bc == 1 ? null : SPANEL.get();
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bb;
                int bOff;
                int bStride;
                if (panel == null) {
                    bb = b;
                    bOff = bo + pc * br + jc * bc;
                    bStride = br;
                } else {
                    for (int p = 0; p < kc; p++) {
                        int src = bo + (pc + p) * br + jc * bc;
                        int dst = p * nc;
                        for (int j = 0; j < nc; j++) {
                            panel[dst + j] = b[src + j * bc];
                        }
                    }
                    bb = panel;
                    bOff = 0;
                    bStride = nc;
                }
                for (int i = i0; i < i1; i++) {
                    int crow = co + i * n + jc;
                    int arow = ao + i * ar + pc * ac;
                    int p = 0;
                    for (; p + 4 <= kc; p += 4) {
                        float a0 = a[arow + p * ac];
                        float a1 = a[arow + (p + 1) * ac];
                        float a2 = a[arow + (p + 2) * ac];
                        float a3 = a[arow + (p + 3) * ac];
                        int b0 = bOff + p * bStride;
                        int b1 = b0 + bStride;
                        int b2 = b1 + bStride;
                        int b3 = b2 + bStride;
                        for (int j = 0; j < nc; j++) {
                            c[crow + j] = c[crow + j] + a0 * bb[b0 + j] + a1 * bb[b1 + j] + a2 * bb[b2 + j]
                                    + a3 * bb[b3 + j];
                        }
                    }
                    for (; p < kc; p++) {
                        float a0 = a[arow + p * ac];
                        int b0 = bOff + p * bStride;
                        for (int j = 0; j < nc; j++) {
                            c[crow + j] += a0 * bb[b0 + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * Narrow outputs: each element is a dot product whose terms are added in order, several independent elements
     * at a time (4 rows × 2 columns) so their additions overlap in the pipeline.
     */
    private static void sdots(int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br, int bc,
            float[] c, int co, int i0, int i1, int j0, int j1) {
        int j = j0;
        for (; j + 2 <= j1; j += 2) {
            int i = i0;
            for (; i + 4 <= i1; i += 4) {
                float s00 = 0f;
                float s01 = 0f;
                float s10 = 0f;
                float s11 = 0f;
                float s20 = 0f;
                float s21 = 0f;
                float s30 = 0f;
                float s31 = 0f;
                int pa = ao + i * ar;
                int pb = bo + j * bc;
                for (int p = 0; p < k; p++) {
                    float x0 = a[pa];
                    float x1 = a[pa + ar];
                    float x2 = a[pa + 2 * ar];
                    float x3 = a[pa + 3 * ar];
                    float y0 = b[pb];
                    float y1 = b[pb + bc];
                    s00 += x0 * y0;
                    s01 += x0 * y1;
                    s10 += x1 * y0;
                    s11 += x1 * y1;
                    s20 += x2 * y0;
                    s21 += x2 * y1;
                    s30 += x3 * y0;
                    s31 += x3 * y1;
                    pa += ac;
                    pb += br;
                }
                int o = co + i * n + j;
                c[o] = s00;
                c[o + 1] = s01;
                c[o + n] = s10;
                c[o + n + 1] = s11;
                c[o + 2 * n] = s20;
                c[o + 2 * n + 1] = s21;
                c[o + 3 * n] = s30;
                c[o + 3 * n + 1] = s31;
            }
            for (; i < i1; i++) {
                sdot(n, k, a, ao, ar, ac, b, bo, br, bc, c, co, i, j);
                sdot(n, k, a, ao, ar, ac, b, bo, br, bc, c, co, i, j + 1);
            }
        }
        if (j < j1) {
            for (int i = i0; i < i1; i++) {
                sdot(n, k, a, ao, ar, ac, b, bo, br, bc, c, co, i, j);
            }
        }
    }

    private static void sdot(int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br, int bc,
            float[] c, int co, int i, int j) {
        float s = 0f;
        int pa = ao + i * ar;
        int pb = bo + j * bc;
        for (int p = 0; p < k; p++) {
            s += a[pa + p * ac] * b[pb + p * br];
        }
        c[co + i * n + j] = s;
    }

    @Override
    public void dgemm(int m, int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br, int bc,
            double[] c, int co) {
        dgemm(Threads.pool(), Threads.count(), m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co);
    }

    /** As {@link #dgemm(int, int, int, double[], int, int, int, double[], int, int, int, double[], int)} on a given pool. */
    static void dgemm(ForkJoinPool pool, int threads, int m, int n, int k, double[] a, int ao, int ar, int ac,
            double[] b, int bo, int br, int bc, double[] c, int co) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c, co, co + m * n, 0.0);
            return;
        }
        long work = (long) m * n * k;
        int parts = pool == null || work < PARALLEL_WORK ? 1 : Math.min(threads, Math.max(m, n));
        if (parts == 1) {
            dblock(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co, 0, m, 0, n);
            return;
        }
        boolean byRows = m >= n;
        int extent = byRows ? m : n;
        ForkJoinTask<?>[] tasks = new ForkJoinTask<?>[parts];
        for (int t = 0; t < parts; t++) {
            int lo = (int) ((long) extent * t / parts);
            int hi = (int) ((long) extent * (t + 1) / parts);
            Runnable r = byRows
                    ? () -> dblock(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co, lo, hi, 0, n)
                    : () -> dblock(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co, 0, m, lo, hi);
            tasks[t] = t == 0 ? ForkJoinTask.adapt(r) : pool.submit(r);
        }
        tasks[0].invoke();
        for (int t = 1; t < parts; t++) {
            tasks[t].join();
        }
    }

    /** Computes the rectangle {@code [i0, i1) × [j0, j1)} of C; every element's terms are added in order p = 0..k-1. */
    private static void dblock(int m, int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br,
            int bc, double[] c, int co, int i0, int i1, int j0, int j1) {
        if (j1 - j0 < NARROW) {
            ddots(n, k, a, ao, ar, ac, b, bo, br, bc, c, co, i0, i1, j0, j1);
            return;
        }
        for (int i = i0; i < i1; i++) {
            Arrays.fill(c, co + i * n + j0, co + i * n + j1, 0.0);
        }
        double[] panel = bc == 1 ? null : DPANEL.get();
        for (int jc = j0; jc < j1; jc += NC) {
            int nc = Math.min(NC, j1 - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                double[] bb;
                int bOff;
                int bStride;
                if (panel == null) {
                    bb = b;
                    bOff = bo + pc * br + jc * bc;
                    bStride = br;
                } else {
                    for (int p = 0; p < kc; p++) {
                        int src = bo + (pc + p) * br + jc * bc;
                        int dst = p * nc;
                        for (int j = 0; j < nc; j++) {
                            panel[dst + j] = b[src + j * bc];
                        }
                    }
                    bb = panel;
                    bOff = 0;
                    bStride = nc;
                }
                for (int i = i0; i < i1; i++) {
                    int crow = co + i * n + jc;
                    int arow = ao + i * ar + pc * ac;
                    int p = 0;
                    for (; p + 4 <= kc; p += 4) {
                        double a0 = a[arow + p * ac];
                        double a1 = a[arow + (p + 1) * ac];
                        double a2 = a[arow + (p + 2) * ac];
                        double a3 = a[arow + (p + 3) * ac];
                        int b0 = bOff + p * bStride;
                        int b1 = b0 + bStride;
                        int b2 = b1 + bStride;
                        int b3 = b2 + bStride;
                        for (int j = 0; j < nc; j++) {
                            c[crow + j] = c[crow + j] + a0 * bb[b0 + j] + a1 * bb[b1 + j] + a2 * bb[b2 + j]
                                    + a3 * bb[b3 + j];
                        }
                    }
                    for (; p < kc; p++) {
                        double a0 = a[arow + p * ac];
                        int b0 = bOff + p * bStride;
                        for (int j = 0; j < nc; j++) {
                            c[crow + j] += a0 * bb[b0 + j];
                        }
                    }
                }
            }
        }
    }

    /**
     * Narrow outputs: each element is a dot product whose terms are added in order, several independent elements
     * at a time (4 rows × 2 columns) so their additions overlap in the pipeline.
     */
    private static void ddots(int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br, int bc,
            double[] c, int co, int i0, int i1, int j0, int j1) {
        int j = j0;
        for (; j + 2 <= j1; j += 2) {
            int i = i0;
            for (; i + 4 <= i1; i += 4) {
                double s00 = 0.0;
                double s01 = 0.0;
                double s10 = 0.0;
                double s11 = 0.0;
                double s20 = 0.0;
                double s21 = 0.0;
                double s30 = 0.0;
                double s31 = 0.0;
                int pa = ao + i * ar;
                int pb = bo + j * bc;
                for (int p = 0; p < k; p++) {
                    double x0 = a[pa];
                    double x1 = a[pa + ar];
                    double x2 = a[pa + 2 * ar];
                    double x3 = a[pa + 3 * ar];
                    double y0 = b[pb];
                    double y1 = b[pb + bc];
                    s00 += x0 * y0;
                    s01 += x0 * y1;
                    s10 += x1 * y0;
                    s11 += x1 * y1;
                    s20 += x2 * y0;
                    s21 += x2 * y1;
                    s30 += x3 * y0;
                    s31 += x3 * y1;
                    pa += ac;
                    pb += br;
                }
                int o = co + i * n + j;
                c[o] = s00;
                c[o + 1] = s01;
                c[o + n] = s10;
                c[o + n + 1] = s11;
                c[o + 2 * n] = s20;
                c[o + 2 * n + 1] = s21;
                c[o + 3 * n] = s30;
                c[o + 3 * n + 1] = s31;
            }
            for (; i < i1; i++) {
                ddot(n, k, a, ao, ar, ac, b, bo, br, bc, c, co, i, j);
                ddot(n, k, a, ao, ar, ac, b, bo, br, bc, c, co, i, j + 1);
            }
        }
        if (j < j1) {
            for (int i = i0; i < i1; i++) {
                ddot(n, k, a, ao, ar, ac, b, bo, br, bc, c, co, i, j);
            }
        }
    }

    private static void ddot(int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br, int bc,
            double[] c, int co, int i, int j) {
        double s = 0.0;
        int pa = ao + i * ar;
        int pb = bo + j * bc;
        for (int p = 0; p < k; p++) {
            s += a[pa + p * ac] * b[pb + p * br];
        }
        c[co + i * n + j] = s;
    }
}
