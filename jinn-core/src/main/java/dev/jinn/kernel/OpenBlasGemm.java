package dev.jinn.kernel;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.blas_set_num_threads;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.openblas.global.openblas_nolapack;

/**
 * The native GEMM backend: OpenBLAS's {@code cblas_sgemm}/{@code cblas_dgemm} from the bytedeco preset, whose
 * jars carry the binaries for Linux, macOS and Windows on x86-64 and arm64. This is the only class that names
 * the preset, and {@link Gemm} loads it by name inside a catch-all, so a missing jar or a library that fails to
 * load leaves jinn on {@link JavaGemm}.
 *
 * <p>An operand whose rows or columns are contiguous is passed as it lies, with the transpose flag and leading
 * dimension describing the view; any other layout (broadcast, negative or doubly strided, or a sparse slice of a
 * much larger array) is first packed contiguously. Java operands are copied into per-thread native buffers
 * (line by line when they are a block of a wider matrix), which costs {@code O(mk + kn + mn)} next to the
 * {@code O(mnk)} product, and operands already in native memory ({@link NativeFloats}) are read in place.
 * {@link Gemm} sends small products to the Java kernel, where that copy and the call would dominate. OpenBLAS itself runs single-threaded: products of
 * at least {@value #SPLIT_WORK} multiply-adds are split into column blocks, one per thread of jinn's pool
 * ({@link Threads#count()}; rows when there are too few columns), whose threads park when idle where
 * OpenBLAS's spin.
 */
final class OpenBlasGemm implements GemmBackend {
    /** A view spanning more than this many times its element count is packed rather than copied whole. */
    private static final int MAX_SPAN_RATIO = 4;

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    /** Per-thread native memory, grown on demand and reused. */
    private static final class Buffers {
        private FloatPointer fa;
        private FloatPointer fb;
        private FloatPointer fc;
        private DoublePointer da;
        private DoublePointer db;
        private DoublePointer dc;
        /** The transposed product of a thin product, before it is laid out row-major. */
        private float[] ft = new float[0];
        private double[] dt = new double[0];
    }

    /**
     * Products with at most this many rows (and more columns) are computed transposed. OpenBLAS's row-major
     * interface runs them as column-major products whose right-hand factor is the thin one, a shape its kernels
     * handle poorly; {@code Cᵀ = Bᵀ·Aᵀ} puts the thin factor on the other side (measured 1.2–1.5× faster for
     * the 3- and 16-row products of small convolutions, 3×256×144 and 16×256×144).
     */
    private static final int THIN_ROWS = 16;

    /** Products with at least this many multiply-adds are split into column blocks over jinn's pool. */
    private static final long SPLIT_WORK = 1L << 21;
    /** Column blocks of a split product start at multiples of this. */
    private static final int SPLIT_ALIGN = 64;

    /**
     * Loads the native library, sets its thread count and checks one small product.
     *
     * @throws IllegalStateException when the library computes a wrong product
     */
    OpenBlasGemm() {
        Loader.load(openblas_nolapack.class);
        // One OpenBLAS thread: large products are split over jinn's pool instead (see overBlocks).
        blas_set_num_threads(1);
        float[] c = new float[4];
        sgemm(2, 2, 2, new float[] {1, 2, 3, 4}, 0, 2, 1, new float[] {5, 6, 7, 8}, 0, 1, 2, c, 0);
        if (!Arrays.equals(c, new float[] {17, 23, 39, 53})) {
            throw new IllegalStateException("OpenBLAS self-check failed: " + Arrays.toString(c));
        }
    }

    @Override
    public String name() {
        return "openblas";
    }

    private static FloatPointer grow(FloatPointer p, long size) {
        if (p != null && p.capacity() >= size) {
            return p;
        }
        if (p != null) {
            p.close();
        }
        return new FloatPointer(Math.max(size, p == null ? 0 : 2 * p.capacity()));
    }

    private static DoublePointer grow(DoublePointer p, long size) {
        if (p != null && p.capacity() >= size) {
            return p;
        }
        if (p != null) {
            p.close();
        }
        return new DoublePointer(Math.max(size, p == null ? 0 : 2 * p.capacity()));
    }

    /**
     * How a {@code rows×cols} view with the given strides can be handed to BLAS: {@code ld > 0} means row-major
     * as it lies with leading dimension ld, {@code -ld} means transposed with leading dimension ld, 0 means the
     * view must be packed (its lines are not contiguous, or it is a sparse slice spanning more than
     * {@value #MAX_SPAN_RATIO} times its elements). Strides of size-1 dims are irrelevant and ignored.
     */
    static int layout(int rows, int cols, int rs, int cs) {
        if (span(rows, cols, rs, cs) > (long) MAX_SPAN_RATIO * rows * cols) {
            return 0;
        }
        return lines(rows, cols, rs, cs);
    }

    /**
     * The leading dimension of a view whose rows ({@code > 0}) or columns ({@code < 0}, negated) are contiguous,
     * however far apart they lie; 0 when neither are. Native operands need only this: they are read in place,
     * so a narrow block of a wide matrix (one block of a split product) costs nothing extra.
     */
    private static int lines(int rows, int cols, int rs, int cs) {
        int er = rows == 1 ? 0 : rs;
        int ec = cols == 1 ? 0 : cs;
        if (er < 0 || ec < 0) {
            return 0;
        }
        if ((ec == 0 || ec == 1) && (rows == 1 || er >= cols)) {
            return rows == 1 ? cols : er;
        }
        if ((er == 0 || er == 1) && (cols == 1 || ec >= rows)) {
            return -(cols == 1 ? rows : ec);
        }
        return 0;
    }

    /** Elements from a view's first to its last, inclusive, for non-negative strides. */
    static long span(int rows, int cols, int rs, int cs) {
        return (rows == 1 ? 0L : (long) (rows - 1) * rs) + (cols == 1 ? 0L : (long) (cols - 1) * cs) + 1;
    }

    private static float[] pack(int rows, int cols, float[] x, int xo, int rs, int cs) {
        float[] out = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = x[xo + i * rs + j * cs];
            }
        }
        return out;
    }

    private static double[] pack(int rows, int cols, double[] x, int xo, int rs, int cs) {
        double[] out = new double[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                out[i * cols + j] = x[xo + i * rs + j * cs];
            }
        }
        return out;
    }

    @Override
    public void sgemm(int m, int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br, int bc,
            float[] c, int co) {
        product(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co);
    }

    /**
     * Native memory for a float32 operand that {@link #product} reads without copying.
     *
     * @param size floats needed
     * @return the memory
     */
    NativeFloats allocateFloats(int size) {
        FloatPointer p = new FloatPointer(size);
        return new NativeFloats(p, p.asBuffer(), size);
    }

    /**
     * {@link #sgemm} for operands that are each a {@code float[]} or a {@link NativeFloats}; a native operand must
     * lie row-major or transposed (unit stride along its rows or its columns), as it cannot be packed.
     */
    void product(int m, int n, int k, Object a, int ao, int ar, int ac, Object b, int bo, int br, int bc, float[] c,
            int co) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c, co, co + m * n, 0f);
            return;
        }
        overBlocks(m, n, k,
                (j0, nb) -> floatBlock(m, nb, k, a, ao, ar, ac, b, bo + j0 * bc, br, bc, c, co + j0, n),
                (i0, mb) -> floatBlock(mb, n, k, a, ao + i0 * ar, ar, ac, b, bo, br, bc, c, co + i0 * n, n));
    }

    @Override
    public void dgemm(int m, int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br, int bc,
            double[] c, int co) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            Arrays.fill(c, co, co + m * n, 0.0);
            return;
        }
        overBlocks(m, n, k,
                (j0, nb) -> doubleBlock(m, nb, k, a, ao, ar, ac, b, bo + j0 * bc, br, bc, c, co + j0, n),
                (i0, mb) -> doubleBlock(mb, n, k, a, ao + i0 * ar, ar, ac, b, bo, br, bc, c, co + i0 * n, n));
    }

    /** Columns {@code [j0, j0 + nb)} (or rows {@code [i0, i0 + mb)}) of a product. */
    @FunctionalInterface
    private interface Block {
        void run(int start, int size);
    }

    /**
     * Runs a product as blocks of columns (or, when it has too few columns, of rows), one per pool thread, each a
     * single-threaded OpenBLAS call, when it is large enough; otherwise as one call. OpenBLAS's own threads spin
     * for a while after each call, and on a machine with as many cores as threads they then take the core that
     * jinn's next parallel loop needs (a conv INN step ran faster with one thread than with two); the pool's
     * threads park instead. Every element is computed by one call either way.
     */
    private static void overBlocks(int m, int n, int k, Block columns, Block rows) {
        int threads = Threads.count();
        if (threads == 1 || (long) m * n * k < SPLIT_WORK) {
            columns.run(0, n);
        } else if (n >= 2 * SPLIT_ALIGN) {
            split(n, threads, (long) m * k, columns);
        } else if (m >= 2 * SPLIT_ALIGN) {
            split(m, threads, (long) n * k, rows);
        } else {
            columns.run(0, n);
        }
    }

    /** Splits {@code extent} into aligned blocks, one per thread, and runs them over the pool. */
    private static void split(int extent, int threads, long workPerLine, Block body) {
        int width = (extent + threads - 1) / threads;
        int w = (width + SPLIT_ALIGN - 1) / SPLIT_ALIGN * SPLIT_ALIGN;
        int blocks = (extent + w - 1) / w;
        Parallel.forRange(blocks, workPerLine * w, (from, to) -> {
            for (int t = from; t < to; t++) {
                body.run(t * w, Math.min(w, extent - t * w));
            }
        });
    }

    /** One block of a float product, written into {@code c} with row stride {@code ldc}. */
    private void floatBlock(int m, int n, int k, Object a, int ao, int ar, int ac, Object b, int bo, int br, int bc,
            float[] c, int co, int ldc) {
        if (m <= THIN_ROWS && n > m) {
            Buffers buf = BUFFERS.get();
            if (buf.ft.length < m * n) {
                buf.ft = new float[m * n];
            }
            float[] ct = buf.ft;
            sgemmDirect(n, m, k, b, bo, bc, br, a, ao, ac, ar, ct, 0, m);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[co + i * ldc + j] = ct[j * m + i];
                }
            }
            return;
        }
        sgemmDirect(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co, ldc);
    }

    /** One block of a double product, written into {@code c} with row stride {@code ldc}. */
    private void doubleBlock(int m, int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br,
            int bc, double[] c, int co, int ldc) {
        if (m <= THIN_ROWS && n > m) {
            Buffers buf = BUFFERS.get();
            if (buf.dt.length < m * n) {
                buf.dt = new double[m * n];
            }
            double[] ct = buf.dt;
            dgemmDirect(n, m, k, b, bo, bc, br, a, ao, ac, ar, ct, 0, m);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    c[co + i * ldc + j] = ct[j * m + i];
                }
            }
            return;
        }
        dgemmDirect(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co, ldc);
    }

    /** An operand as cblas takes it: where it starts and its leading dimension (negative: transposed). */
    private record Operand(Pointer at, int ld) {
    }

    /**
     * A {@code rows × cols} operand for cblas: native memory as it lies, or a Java array copied into the thread's
     * buffer for the first or the second operand. A layout that does not fit is packed first; a block of a much
     * larger matrix (a column block of a split product) is copied row by row (or column by column), so that
     * only its own elements move.
     */
    private static Operand operand(int rows, int cols, Object x, int xo, int rs, int cs, Buffers buf, boolean first) {
        if (x instanceof NativeFloats nf) {
            int ld = lines(rows, cols, rs, cs);
            if (ld == 0) {
                throw new IllegalArgumentException("a native GEMM operand must lie row-major or transposed, got "
                        + rows + "x" + cols + " with strides " + rs + ", " + cs);
            }
            return new Operand(new FloatPointer((FloatPointer) nf.handle).position(xo), ld);
        }
        boolean single = x instanceof float[];
        int ld = layout(rows, cols, rs, cs);
        if (ld == 0) {
            x = single ? pack(rows, cols, (float[]) x, xo, rs, cs) : pack(rows, cols, (double[]) x, xo, rs, cs);
            xo = 0;
            rs = cols;
            cs = 1;
            ld = cols;
        }
        long dense = (long) rows * cols;
        long span = span(rows, cols, rs, cs);
        boolean gapped = span > dense + dense / 4;
        int size = (int) (gapped ? dense : span);
        Pointer p;
        if (single) {
            FloatPointer fp = first ? (buf.fa = grow(buf.fa, size)) : (buf.fb = grow(buf.fb, size));
            if (gapped) {
                copyLines(fp.asBuffer(), (float[]) x, xo, ld, rows, cols);
            } else {
                fp.put((float[]) x, xo, size);
            }
            p = fp;
        } else {
            DoublePointer dp = first ? (buf.da = grow(buf.da, size)) : (buf.db = grow(buf.db, size));
            if (gapped) {
                copyLines(dp.asBuffer(), (double[]) x, xo, ld, rows, cols);
            } else {
                dp.put((double[]) x, xo, size);
            }
            p = dp;
        }
        return new Operand(p, gapped ? (ld > 0 ? cols : -rows) : ld);
    }

    /** Copies the lines (rows for ld &gt; 0, else columns) of a strided block next to each other. */
    private static void copyLines(FloatBuffer to, float[] x, int xo, int ld, int rows, int cols) {
        int lines = ld > 0 ? rows : cols;
        int len = ld > 0 ? cols : rows;
        for (int i = 0; i < lines; i++) {
            to.put(i * len, x, xo + i * Math.abs(ld), len);
        }
    }

    /** The double-precision twin of {@link #copyLines(FloatBuffer, float[], int, int, int, int)}. */
    private static void copyLines(DoubleBuffer to, double[] x, int xo, int ld, int rows, int cols) {
        int lines = ld > 0 ? rows : cols;
        int len = ld > 0 ? cols : rows;
        for (int i = 0; i < lines; i++) {
            to.put(i * len, x, xo + i * Math.abs(ld), len);
        }
    }

    /** The product as cblas computes it, for {@code m, n, k > 0}, written into c with row stride ldc. */
    private void sgemmDirect(int m, int n, int k, Object a, int ao, int ar, int ac, Object b, int bo, int br, int bc,
            float[] c, int co, int ldc) {
        Buffers buf = BUFFERS.get();
        Operand pa = operand(m, k, a, ao, ar, ac, buf, true);
        Operand pb = operand(k, n, b, bo, br, bc, buf, false);
        buf.fc = grow(buf.fc, (long) m * n);
        cblas_sgemm(CblasRowMajor, pa.ld > 0 ? CblasNoTrans : CblasTrans, pb.ld > 0 ? CblasNoTrans : CblasTrans, m,
                n, k, 1f, (FloatPointer) pa.at, Math.abs(pa.ld), (FloatPointer) pb.at, Math.abs(pb.ld), 0f, buf.fc,
                n);
        if (ldc == n) {
            buf.fc.get(c, co, m * n);
        } else {
            FloatBuffer out = buf.fc.asBuffer();
            for (int i = 0; i < m; i++) {
                out.get(i * n, c, co + i * ldc, n);
            }
        }
    }

    /** The double-precision product as cblas computes it, written into c with row stride ldc. */
    private void dgemmDirect(int m, int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br,
            int bc, double[] c, int co, int ldc) {
        Buffers buf = BUFFERS.get();
        Operand pa = operand(m, k, a, ao, ar, ac, buf, true);
        Operand pb = operand(k, n, b, bo, br, bc, buf, false);
        buf.dc = grow(buf.dc, (long) m * n);
        cblas_dgemm(CblasRowMajor, pa.ld > 0 ? CblasNoTrans : CblasTrans, pb.ld > 0 ? CblasNoTrans : CblasTrans, m,
                n, k, 1.0, (DoublePointer) pa.at, Math.abs(pa.ld), (DoublePointer) pb.at, Math.abs(pb.ld), 0.0,
                buf.dc, n);
        if (ldc == n) {
            buf.dc.get(c, co, m * n);
        } else {
            DoubleBuffer out = buf.dc.asBuffer();
            for (int i = 0; i < m; i++) {
                out.get(i * n, c, co + i * ldc, n);
            }
        }
    }
}
