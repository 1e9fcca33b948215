package dev.jinn.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The float and double twins of every kernel ({@link KernelTwins}) give the same results on the same inputs.
 * Inputs are small integers (or, for the elementwise functions, floats), exactly representable in both types, and
 * small enough that sums and products of integers are exact in float too; so the float result must be the double
 * result rounded to float, bit for bit (a quotient rounded twice rounds as once: double has more than 2·24 + 2
 * bits). Outputs are surrounded by sentinels, so both twins must also leave the same elements alone. Shapes
 * include empty ones, tails of every vector width, odd sizes, offsets, transposed and strided operands, and
 * products large enough for the blocked and parallel paths.
 */
class KernelParityTest {
    private static final double SENTINEL = 99.0;
    private static final ForkJoinPool POOL3 = new ForkJoinPool(3);

    /** One call of a twin: the receiver (null for a static method) and the double form's arguments. */
    record Call(String label, Object receiver, Object[] args) {
    }

    /** Every twin's parity case, by the twin's key; a twin without one fails {@link #everyTwinHasAParityCase}. */
    private static final Map<String, Supplier<List<Call>>> CASES = new TreeMap<>();

    static {
        String gemm = "(int, int, int, float[], int, int, int, float[], int, int, int, float[], int)";
        CASES.put("ArithKernel.run(int, float[], int, int, float[], int, int, float[], int)", KernelParityTest::arith);
        CASES.put("FastMath.expm1(float[], int, float[], int, int)", KernelParityTest::elementwise);
        CASES.put("FastMath.sigmoid(float[], int, float[], int, int)", KernelParityTest::elementwise);
        CASES.put("FastMath.tanh(float[], int, float[], int, int)", KernelParityTest::elementwise);
        CASES.put("Gemm.gemm" + gemm, () -> gemmCalls(null));
        CASES.put("JavaGemm.sgemm" + gemm, () -> gemmCalls(JavaGemm.INSTANCE));
        CASES.put("JavaGemm.sgemm(ForkJoinPool, int, " + gemm.substring(1), KernelParityTest::gemmOnPools);
        CASES.put("OpenBlasGemm.sgemm" + gemm, KernelParityTest::nativeGemm);
        CASES.put("OuterProduct.run(int, int, float[], int, int, float[], int, int, float[], int)",
                KernelParityTest::outer);
        CASES.put("Im2col.im2col(Geometry, float[], int, int, int, int, float[], int, int, int, int)",
                () -> convolution(false));
        CASES.put("Im2col.col2im(Geometry, float[], int, int, float[], int, int, int, int, int, int)",
                () -> convolution(true));
    }

    @AfterAll
    static void shutdown() {
        POOL3.shutdown();
    }

    static Stream<Arguments> twins() {
        return KernelTwins.all().stream().map(t -> Arguments.of(t.key(), t));
    }

    @Test
    void everyTwinHasAParityCase() {
        List<String> keys = KernelTwins.all().stream().map(KernelTwins.Twin::key).toList();
        assertThat(keys).as("twins found in dev.jinn.kernel").hasSizeGreaterThanOrEqualTo(11);
        assertThat(CASES.keySet()).as("parity cases, one per twin (a new twin needs a case here)")
                .containsExactlyInAnyOrderElementsOf(keys);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("twins")
    void floatAndDoubleFormsAgree(String key, KernelTwins.Twin twin) throws Exception {
        List<Call> calls = CASES.get(key).get();
        int changed = 0;
        for (Call call : calls) {
            boolean wrote = twin.kind() == KernelTwins.Kind.ARRAYS ? compareArrays(twin, call)
                    : compareScalar(twin, call);
            changed += wrote ? 1 : 0;
        }
        assertThat(changed).as("calls that wrote anything (the case is not vacuous)").isGreaterThan(calls.size() / 2);
    }

    @Test
    void theComparisonSeesALastBit() {
        float[] f = {1f, 2f, 3f};
        double[] d = {1, 2, Math.nextUp(3f)};
        assertThatThrownBy(() -> assertSame("demo", 0, f, d)).isInstanceOf(AssertionError.class)
                .hasMessageContaining("element 2");
        assertSame("demo", 0, new float[] {Float.NaN, -0f}, new double[] {Double.NaN, -0.0});
        assertThatThrownBy(() -> assertSame("demo", 0, new float[] {0f}, new double[] {-0.0}))
                .isInstanceOf(AssertionError.class);
    }

    // ------------------------------------------------------------------------------------------------
    // Running both forms

    /** Runs both array forms on copies of the arguments; true when the call changed any output. */
    private static boolean compareArrays(KernelTwins.Twin twin, Call call) throws Exception {
        Object[] d = new Object[call.args().length];
        Object[] f = new Object[d.length];
        for (int i = 0; i < d.length; i++) {
            Object a = call.args()[i];
            d[i] = a instanceof double[] ? ((double[]) a).clone() : a;
            f[i] = a instanceof double[] ? exactFloats(call.label(), (double[]) a) : a;
        }
        invoke(twin.doubleForm(), call.receiver(), d);
        invoke(twin.floatForm(), call.receiver(), f);
        boolean changed = false;
        for (int i = 0; i < d.length; i++) {
            if (d[i] instanceof double[]) {
                assertSame(call.label(), i, (float[]) f[i], (double[]) d[i]);
                changed |= !Arrays.equals((double[]) d[i], (double[]) call.args()[i]);
            }
        }
        return changed;
    }

    /** Runs the float array form and compares each element with the double scalar function rounded to float. */
    private static boolean compareScalar(KernelTwins.Twin twin, Call call) throws Exception {
        float[] x = exactFloats(call.label(), (double[]) call.args()[0]);
        int xo = (Integer) call.args()[1];
        float[] out = exactFloats(call.label(), (double[]) call.args()[2]);
        int oo = (Integer) call.args()[3];
        int n = (Integer) call.args()[4];
        invoke(twin.floatForm(), null, new Object[] {x, xo, out, oo, n});
        double[] expected = ((double[]) call.args()[2]).clone();
        for (int i = 0; i < n; i++) {
            expected[oo + i] = (Double) twin.doubleForm().invoke(null, (double) x[xo + i]);
        }
        assertSame(call.label(), 2, out, expected);
        return n > 0;
    }

    private static void invoke(Method m, Object receiver, Object[] args) throws Exception {
        try {
            m.invoke(receiver, args);
        } catch (InvocationTargetException e) {
            throw new AssertionError(m + " threw", e.getCause());
        }
    }

    /** Asserts {@code f[j] == (float) d[j]} for every element, bit for bit (any NaN matches any NaN). */
    static void assertSame(String label, int arg, float[] f, double[] d) {
        assertThat(f.length).isEqualTo(d.length);
        for (int j = 0; j < f.length; j++) {
            float want = (float) d[j];
            boolean same = Float.isNaN(want) ? Float.isNaN(f[j])
                    : Float.floatToRawIntBits(want) == Float.floatToRawIntBits(f[j]);
            if (!same) {
                throw new AssertionError(label + ": argument " + arg + ", element " + j + ": float form "
                        + f[j] + ", double form " + d[j] + " (rounds to " + want + ")");
            }
        }
    }

    /** The same values as floats; the test's premise is that they are exact. */
    private static float[] exactFloats(String label, double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
            if (f[i] != d[i] && !Double.isNaN(d[i])) {
                throw new IllegalStateException(label + ": input " + d[i] + " is not a float");
            }
        }
        return f;
    }

    // ------------------------------------------------------------------------------------------------
    // Inputs

    /** Integers in [-bound, bound]: exact in float, and so are their products and sums of a few thousand. */
    private static double[] ints(SplittableRandom rnd, int length, int bound) {
        double[] a = new double[length];
        for (int i = 0; i < length; i++) {
            a[i] = rnd.nextInt(-bound, bound + 1);
        }
        return a;
    }

    private static double[] sentinels(int length) {
        double[] a = new double[length];
        Arrays.fill(a, SENTINEL);
        return a;
    }

    private static List<Call> arith() {
        SplittableRandom rnd = new SplittableRandom(1);
        List<Call> calls = new ArrayList<>();
        int[][] strides = {{1, 1}, {1, 0}, {0, 1}, {0, 0}, {2, 3}, {3, 1}};
        for (ArithKernel op : ArithKernel.values()) {
            for (int n : new int[] {0, 1, 3, 8, 17, 100}) {
                for (int[] s : strides) {
                    for (boolean aligned : new boolean[] {true, false}) {
                        int px = aligned ? 5 : 1;
                        int py = aligned ? 5 : 4;
                        int po = aligned ? 5 : 2;
                        double[] x = ints(rnd, px + Math.max(n - 1, 0) * s[0] + 1, 8);
                        double[] y = ints(rnd, py + Math.max(n - 1, 0) * s[1] + 1, 8);
                        calls.add(new Call(op + " n=" + n + " strides " + s[0] + "," + s[1] + " offsets " + px + ","
                                + py + "," + po, op, new Object[] {n, x, px, s[0], y, py, s[1], sentinels(po + n + 2),
                                        po}));
                    }
                }
            }
        }
        return calls;
    }

    /** Elementwise inputs: special values, a fine grid over the interesting range and random bit patterns. */
    private static List<Call> elementwise() {
        List<Float> values = new ArrayList<>(List.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL,
                Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
                9.1f, Math.nextDown(9.1f), -9.1f, 89f, Math.nextDown(89f), 105f, -105f, Math.nextDown(105f), -38f,
                Math.nextUp(-38f), 19.1f, 1e-30f, -1e-30f));
        for (int k = -4000; k <= 4000; k++) {
            values.add(k / 64f);
        }
        SplittableRandom rnd = new SplittableRandom(2);
        for (int i = 0; i < 4000; i++) {
            values.add(Float.intBitsToFloat(rnd.nextInt()));
        }
        List<Call> calls = new ArrayList<>();
        for (int n : new int[] {0, 1, 7, 8, 9, 33, values.size()}) {
            int xo = 3;
            int oo = 5;
            double[] x = sentinels(xo + n + 1);
            for (int i = 0; i < n; i++) {
                x[xo + i] = values.get(i);
            }
            calls.add(new Call("n=" + n, null, new Object[] {x, xo, sentinels(oo + n + 2), oo, n}));
        }
        return calls;
    }

    /** How a matrix operand lies in its array. */
    private enum Layout {
        ROWS, COLUMNS, STRIDED
    }

    /** {@code [array, offset, row stride, column stride]} for a rows×cols operand. */
    private static Object[] operand(SplittableRandom rnd, int rows, int cols, Layout layout) {
        switch (layout) {
            case ROWS:
                return new Object[] {ints(rnd, rows * cols + 1, 4), 0, cols, 1};
            case COLUMNS:
                return new Object[] {ints(rnd, rows * cols + 1, 4), 0, 1, rows};
            default:
                // Every other column of a wider matrix, from offset 3: neither stride is 1.
                return new Object[] {ints(rnd, 3 + rows * (2 * cols + 1) + 1, 4), 3, 2 * cols + 1, 2};
        }
    }

    private static final int[][] SMALL = {{0, 3, 4}, {3, 0, 4}, {3, 4, 0}, {1, 1, 1}, {2, 3, 4}, {5, 1, 7},
        {1, 9, 5}, {7, 2, 3}, {8, 8, 8}, {9, 17, 33}, {33, 2, 70}, {13, 7, 300}, {4, 3, 1}};
    private static final int[][] LARGE = {{70, 260, 300}, {300, 3, 257}};

    /** Products over every layout pair for small shapes and two for large ones, after {@code prefix} arguments. */
    private static List<Call> gemmCalls(Object receiver, Object... prefix) {
        SplittableRandom rnd = new SplittableRandom(3);
        List<Call> calls = new ArrayList<>();
        for (int[][] shapes : new int[][][] {SMALL, LARGE}) {
            for (int[] s : shapes) {
                for (Layout la : Layout.values()) {
                    for (Layout lb : Layout.values()) {
                        if (shapes == LARGE && la == Layout.STRIDED) {
                            continue;
                        }
                        int m = s[0];
                        int n = s[1];
                        int k = s[2];
                        Object[] a = operand(rnd, m, k, la);
                        Object[] b = operand(rnd, k, n, lb);
                        List<Object> args = new ArrayList<>(Arrays.asList(prefix)); // a pool may be null
                        args.addAll(List.of(m, n, k));
                        args.addAll(List.of(a));
                        args.addAll(List.of(b));
                        args.addAll(List.of(sentinels(2 + m * n + 3), 2));
                        calls.add(new Call(m + "x" + k + "·" + k + "x" + n + " " + la + "·" + lb, receiver,
                                args.toArray()));
                    }
                }
            }
        }
        return calls;
    }

    private static List<Call> gemmOnPools() {
        List<Call> calls = new ArrayList<>(gemmCalls(null, null, 1));
        calls.addAll(gemmCalls(null, POOL3, 3));
        return calls;
    }

    private static List<Call> nativeGemm() {
        GemmBackend backend = Gemm.nativeBackend();
        Assumptions.assumeTrue(backend instanceof OpenBlasGemm, "OpenBLAS is not loaded on this machine");
        return gemmCalls(backend);
    }

    private static List<Call> outer() {
        SplittableRandom rnd = new SplittableRandom(4);
        List<Call> calls = new ArrayList<>();
        int[][] shapes = {{0, 3}, {3, 0}, {1, 1}, {3, 5}, {17, 9}, {2, 130}, {300, 300}};
        for (int[] s : shapes) {
            for (int as : new int[] {1, 2}) {
                for (int bs : new int[] {1, 3}) {
                    int m = s[0];
                    int n = s[1];
                    double[] a = ints(rnd, 1 + Math.max(m - 1, 0) * as + 1, 8);
                    double[] b = ints(rnd, 2 + Math.max(n - 1, 0) * bs + 1, 8);
                    calls.add(new Call(m + "x" + n + " strides " + as + "," + bs, null,
                            new Object[] {m, n, a, 1, as, b, 2, bs, sentinels(3 + m * n + 2), 3}));
                }
            }
        }
        return calls;
    }

    /** {channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW}. */
    private static final int[][] GEOMETRIES = {{1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1}, {2, 5, 7, 3, 3, 1, 1, 1, 1, 1, 1},
        {3, 8, 6, 3, 2, 2, 1, 0, 1, 1, 1}, {2, 9, 9, 3, 3, 2, 2, 1, 1, 2, 2}, {1, 4, 11, 1, 5, 1, 3, 2, 0, 1, 1},
        {4, 6, 6, 1, 1, 1, 1, 0, 0, 1, 1}, {2, 7, 5, 5, 5, 1, 1, 2, 2, 1, 1}, {3, 3, 17, 1, 3, 1, 1, 0, 1, 1, 1}};

    private static Im2col.Geometry geometry(int[] g) {
        int outH = (g[1] + 2 * g[7] - g[9] * (g[3] - 1) - 1) / g[5] + 1;
        int outW = (g[2] + 2 * g[8] - g[10] * (g[4] - 1) - 1) / g[6] + 1;
        return new Im2col.Geometry(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], outH, outW);
    }

    /** im2col (or col2im) over channel-major and channel-last images, for all channels and for a tail of them. */
    private static List<Call> convolution(boolean backward) {
        SplittableRandom rnd = new SplittableRandom(5);
        List<Call> calls = new ArrayList<>();
        for (int[] spec : GEOMETRIES) {
            Im2col.Geometry g = geometry(spec);
            int c = g.channels();
            int h = g.height();
            int w = g.width();
            int[][] layouts = {{0, h * w, w, 1}, {3, 1, w * c, c}}; // {offset, channel, row, column stride}
            for (int[] lay : layouts) {
                for (int c0 : c > 1 ? new int[] {0, 1} : new int[] {0}) {
                    int ld = g.cols() + 3;
                    int co = 1;
                    double[] image = ints(rnd, lay[0] + c * h * w + 1, 8);
                    String label = Arrays.toString(spec) + " layout " + Arrays.toString(lay)
                            + " channels " + c0 + ".." + c;
                    if (backward) {
                        double[] col = ints(rnd, co + g.rows() * ld + 2, 8);
                        calls.add(new Call(label, null, new Object[] {g, col, co, ld, image, lay[0], lay[1], lay[2],
                            lay[3], c0, c}));
                    } else {
                        calls.add(new Call(label, null, new Object[] {g, image, lay[0], lay[1], lay[2], lay[3],
                            sentinels(co + g.rows() * ld + 2), co, ld, c0, c}));
                    }
                }
            }
        }
        return calls;
    }
}
