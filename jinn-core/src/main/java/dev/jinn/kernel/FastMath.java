package dev.jinn.kernel;

/**
 * Exponential-family functions written as straight-line double arithmetic that the JIT compiles to a few
 * nanoseconds per element, for float32 kernels. The JDK's {@code Math.tanh} and {@code Math.expm1} are not
 * intrinsics on JDK 17 and cost tens of nanoseconds; these stay within a few double ulps of the exact value,
 * far below float32's rounding, so float32 results are the correctly rounded values in all but rare ties.
 * float64 kernels keep using {@link Math} for its ≤ 1 ulp guarantee.
 */
public final class FastMath {
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final double INV_LN2 = 1.44269504088896338700e+00;
    private static final double ROUNDER = 0x1.8p52;
    private static final double EXP_OVERFLOW = 709.782712893384;
    private static final double EXP_UNDERFLOW = -745.1332191019412;
    /** Beyond this |x|, tanh(x) rounds to ±1 in double. */
    private static final double TANH_SATURATION = 19.1;
    /** Below this |x|, expm1 uses its Taylor series directly (no cancellation). */
    private static final double EXPM1_SERIES_LIMIT = 0.7;

    private FastMath() {
    }

    /**
     * e^x with relative error below 3 ulps.
     *
     * @param x the argument
     * @return e^x; +inf above ~709.78, 0 below ~-745.13, NaN for NaN
     */
    public static double exp(double x) {
        if (!(x < EXP_OVERFLOW)) {
            return x != x ? x : Double.POSITIVE_INFINITY;
        }
        if (x < EXP_UNDERFLOW) {
            return 0.0;
        }
        // x = k ln2 + r with |r| <= ln2/2, then e^x = 2^k e^r.
        // Adding and subtracting 1.5·2^52 rounds to the nearest integer (ties to even) without a call.
        double kd = (x * INV_LN2 + ROUNDER) - ROUNDER;
        int k = (int) kd;
        double r = (x - kd * LN2_HI) - kd * LN2_LO;
        double p = expTaylor(r);
        if (k > 1023) {
            // 2^k itself would overflow although e^x does not: scale by 2^(k-1), then by 2.
            return p * Double.longBitsToDouble((long) (k - 1 + 1023) << 52) * 2.0;
        }
        if (k >= -1021) {
            return p * Double.longBitsToDouble((long) (k + 1023) << 52);
        }
        // Subnormal result: scale in two steps so no intermediate underflows early.
        return p * Double.longBitsToDouble((long) (k + 1023 + 64) << 52) * 0x1.0p-64;
    }

    /**
     * e^r for |r| <= ln2/2 by its Taylor series to degree 13 (truncation error < 1e-17), evaluated in
     * Estrin's scheme: independent sub-polynomials in r² and r⁴ keep the dependency chain short.
     */
    private static double expTaylor(double r) {
        double r2 = r * r;
        double r4 = r2 * r2;
        double r8 = r4 * r4;
        double p23 = 1.0 / 2 + r * (1.0 / 6);
        double p45 = 1.0 / 24 + r * (1.0 / 120);
        double p67 = 1.0 / 720 + r * (1.0 / 5040);
        double p89 = 1.0 / 40320 + r * (1.0 / 362880);
        double p1011 = 1.0 / 3628800 + r * (1.0 / 39916800);
        double p1213 = 1.0 / 479001600 + r * (1.0 / 6227020800.0);
        double tail = (p23 + r2 * p45) + r4 * (p67 + r2 * p89) + r8 * (p1011 + r2 * p1213);
        // Sum the small terms first and add the leading 1 last, so rounding stays below an ulp of the result.
        return 1.0 + (r + r2 * tail);
    }

    /**
     * e^x - 1, accurate near 0.
     *
     * @param x the argument
     * @return e^x - 1
     */
    public static double expm1(double x) {
        if (Math.abs(x) < EXPM1_SERIES_LIMIT) {
            // Taylor series to degree 17: truncation error below 1e-17 relative for |x| < 0.7.
            double p = 1.0 / 6402373705728000.0;
            p = p * x + 1.0 / 355687428096000.0;
            p = p * x + 1.0 / 20922789888000.0;
            p = p * x + 1.0 / 1307674368000.0;
            p = p * x + 1.0 / 87178291200.0;
            p = p * x + 1.0 / 6227020800.0;
            p = p * x + 1.0 / 479001600.0;
            p = p * x + 1.0 / 39916800.0;
            p = p * x + 1.0 / 3628800.0;
            p = p * x + 1.0 / 362880.0;
            p = p * x + 1.0 / 40320.0;
            p = p * x + 1.0 / 5040.0;
            p = p * x + 1.0 / 720.0;
            p = p * x + 1.0 / 120.0;
            p = p * x + 1.0 / 24.0;
            p = p * x + 1.0 / 6.0;
            p = p * x + 0.5;
            return (p * x) * x + x;
        }
        return exp(x) - 1.0;
    }

    /**
     * Hyperbolic tangent from {@code t/(t+2)} with {@code t = e^(2|x|) - 1}, which has no cancellation.
     *
     * @param x the argument
     * @return tanh(x)
     */
    public static double tanh(double x) {
        double a = Math.abs(x);
        if (!(a < TANH_SATURATION)) {
            return x != x ? x : Math.copySign(1.0, x);
        }
        double t = expm1(2 * a);
        return Math.copySign(t / (t + 2.0), x);
    }

    /**
     * Logistic sigmoid {@code 1 / (1 + e^-x)} without overflow.
     *
     * @param x the argument
     * @return a value in [0, 1]
     */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1.0 / (1.0 + exp(-x));
        }
        double e = exp(x);
        return e / (1.0 + e);
    }

    /**
     * {@code out[oo + i] = (float) exp(x[xo + i])} for {@code i < n}: one monomorphic loop the JIT inlines.
     *
     * @param x  input storage
     * @param xo input start
     * @param out output storage
     * @param oo output start
     * @param n  number of elements
     */
    public static void exp(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) exp(x[xo + i]);
        }
    }

    /**
     * {@code out[oo + i] = (float) expm1(x[xo + i])} for {@code i < n}.
     *
     * @param x  input storage
     * @param xo input start
     * @param out output storage
     * @param oo output start
     * @param n  number of elements
     */
    public static void expm1(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) expm1(x[xo + i]);
        }
    }

    /**
     * {@code out[oo + i] = (float) tanh(x[xo + i])} for {@code i < n}.
     *
     * @param x  input storage
     * @param xo input start
     * @param out output storage
     * @param oo output start
     * @param n  number of elements
     */
    public static void tanh(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) tanh(x[xo + i]);
        }
    }

    /**
     * {@code out[oo + i] = (float) sigmoid(x[xo + i])} for {@code i < n}.
     *
     * @param x  input storage
     * @param xo input start
     * @param out output storage
     * @param oo output start
     * @param n  number of elements
     */
    public static void sigmoid(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = (float) sigmoid(x[xo + i]);
        }
    }
}
