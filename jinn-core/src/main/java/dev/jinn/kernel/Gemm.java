package dev.jinn.kernel;

/**
 * Matrix multiply {@code C = A·B} on strided primitive arrays: {@code A} is {@code m×k}, {@code B} is
 * {@code k×n}, {@code C} is a contiguous {@code m×n} output that is overwritten. Each operand is described by its
 * array, start offset, row stride and column stride, so transposed and sliced views need no copy.
 *
 * <p>Two backends sit behind this entry point. A native BLAS (OpenBLAS, from the bytedeco preset) is loaded at
 * start-up when its library is on the class path and loads on this platform; any failure leaves the pure-Java
 * kernel in charge, silently. Products with fewer than {@value #NATIVE_WORK} multiply-adds run in Java, where
 * the native call would cost more than the arithmetic, and so do all products with {@code k = 1} (outer products,
 * {@link OuterProduct}). Measured with two threads, OpenBLAS already wins from
 * {@code 16×16×16} up and on the thin layers of small flows ({@code [100,1]×[1,512]} about 0.03 ms against
 * 0.04 ms, {@code [100,512]×[512,2]} on par), so the threshold is low.
 *
 * <p>The system property {@code jinn.blas} overrides the choice: {@code java} never loads the native library;
 * {@code native} sends every product to it and fails at start-up when it cannot load. The Java kernel adds each
 * element's terms in order, so its results do not depend on the thread count; OpenBLAS's results may differ from
 * it in the last bits.
 */
public final class Gemm {
    /** Multiply-adds below which products stay in Java (measured: about where OpenBLAS's call cost is repaid). */
    static final long NATIVE_WORK = 1L << 10;

    private static final String MODE = mode(System.getProperty("jinn.blas"));
    private static final GemmBackend NATIVE = loadNative(MODE);

    private Gemm() {
    }

    private static String mode(String value) {
        if (value == null || value.isBlank()) {
            return "auto";
        }
        String v = value.trim().toLowerCase(java.util.Locale.ROOT);
        if (!v.equals("java") && !v.equals("native") && !v.equals("auto")) {
            throw new IllegalArgumentException("jinn.blas: expected java, native or auto, got '" + value + "'");
        }
        return v;
    }

    private static GemmBackend loadNative(String mode) {
        if (mode.equals("java")) {
            return null;
        }
        try {
            return (GemmBackend) Class.forName("dev.jinn.kernel.OpenBlasGemm").getDeclaredConstructor().newInstance();
        } catch (Throwable t) {
            if (mode.equals("native")) {
                throw new IllegalStateException("jinn.blas=native, but the native BLAS did not load", t);
            }
            return null;
        }
    }

    /**
     * The backend that runs large products: {@code "openblas"} when the native library loaded, else
     * {@code "java"}. Small products run in Java either way unless {@code jinn.blas=native}.
     *
     * @return the backend's name
     */
    public static String backendName() {
        return NATIVE != null ? NATIVE.name() : JavaGemm.INSTANCE.name();
    }

    /**
     * Whether an {@code m×k · k×n} product runs on the native BLAS, which reads transposed operands (unit stride
     * down the columns) as fast as row-major ones; the Java kernel wants unit-stride rows of {@code b}, so callers
     * with a transposed operand at hand may lay it out again for it.
     *
     * @param m rows of the product
     * @param n columns of the product
     * @param k the summed dimension
     * @return true when the native backend runs this product
     */
    public static boolean takesTransposedOperands(int m, int n, int k) {
        return backendFor(m, n, k) != JavaGemm.INSTANCE;
    }

    /** The native backend, or null when it is not loaded. */
    static GemmBackend nativeBackend() {
        return NATIVE;
    }

    /** The backend that runs an {@code m×k · k×n} product. */
    static GemmBackend backendFor(int m, int n, int k) {
        if (NATIVE == null) {
            return JavaGemm.INSTANCE;
        }
        if (MODE.equals("native")) {
            return NATIVE;
        }
        return (long) m * n * k >= NATIVE_WORK ? NATIVE : JavaGemm.INSTANCE;
    }

    /**
     * Native memory for a float32 operand that the native backend reads without copying it, or null when the
     * native backend is not loaded (then every product runs in Java and takes arrays).
     *
     * @param size floats needed
     * @return the memory, or null
     */
    public static NativeFloats nativeFloats(int size) {
        return NATIVE instanceof OpenBlasGemm blas ? blas.allocateFloats(size) : null;
    }

    /**
     * Single-precision product whose operands may lie in native memory: each of {@code a} and {@code b} is a
     * {@code float[]} or a {@link NativeFloats}, the latter row-major or transposed as it lies. Only products that
     * {@link #takesTransposedOperands} sends to the native backend accept a native operand.
     *
     * @param m  rows of A and C
     * @param n  columns of B and C
     * @param k  columns of A, rows of B
     * @param a  A's storage
     * @param ao A's offset
     * @param ar A's row stride
     * @param ac A's column stride
     * @param b  B's storage
     * @param bo B's offset
     * @param br B's row stride
     * @param bc B's column stride
     * @param c  C's storage, written as a contiguous row-major block
     * @param co C's offset
     * @throws IllegalStateException when an operand is native and the product would run in Java
     */
    public static void gemm(int m, int n, int k, Object a, int ao, int ar, int ac, Object b, int bo, int br, int bc,
            float[] c, int co) {
        if (a instanceof float[] fa && b instanceof float[] fb) {
            gemm(m, n, k, fa, ao, ar, ac, fb, bo, br, bc, c, co);
            return;
        }
        if (!(backendFor(m, n, k) instanceof OpenBlasGemm blas)) {
            throw new IllegalStateException("a " + m + "x" + k + " · " + k + "x" + n
                    + " product with a native operand must run on the native backend");
        }
        blas.product(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co);
    }

    /**
     * Double-precision product.
     *
     * @param m  rows of A and C
     * @param n  columns of B and C
     * @param k  columns of A, rows of B
     * @param a  A's storage
     * @param ao A's offset
     * @param ar A's row stride
     * @param ac A's column stride
     * @param b  B's storage
     * @param bo B's offset
     * @param br B's row stride
     * @param bc B's column stride
     * @param c  C's storage, written (not accumulated) as a contiguous row-major block
     * @param co C's offset
     */
    public static void gemm(int m, int n, int k, double[] a, int ao, int ar, int ac, double[] b, int bo, int br,
            int bc, double[] c, int co) {
        if (k == 1 && !MODE.equals("native")) {
            OuterProduct.run(m, n, a, ao, ar, b, bo, bc, c, co);
            return;
        }
        backendFor(m, n, k).dgemm(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co);
    }

    /**
     * Single-precision product.
     *
     * @param m  rows of A and C
     * @param n  columns of B and C
     * @param k  columns of A, rows of B
     * @param a  A's storage
     * @param ao A's offset
     * @param ar A's row stride
     * @param ac A's column stride
     * @param b  B's storage
     * @param bo B's offset
     * @param br B's row stride
     * @param bc B's column stride
     * @param c  C's storage, written (not accumulated) as a contiguous row-major block
     * @param co C's offset
     */
    public static void gemm(int m, int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br,
            int bc, float[] c, int co) {
        // Outer products and thin products run in Java unless every product must go to the native library.
        if (!MODE.equals("native")) {
            if (k == 1) {
                OuterProduct.run(m, n, a, ao, ar, b, bo, bc, c, co);
                return;
            }
            if (ThinGemm.tryRun(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co)) {
                return;
            }
        }
        backendFor(m, n, k).sgemm(m, n, k, a, ao, ar, ac, b, bo, br, bc, c, co);
    }
}
