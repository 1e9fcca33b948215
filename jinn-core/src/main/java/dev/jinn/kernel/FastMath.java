package dev.jinn.kernel;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Exponential-family functions and a logarithm written as straight-line, table-driven double arithmetic that
 * the JIT compiles to a few nanoseconds per element, for float32 kernels. The JDK's {@code Math.tanh} and
 * {@code Math.expm1} are not intrinsics on JDK 17 and cost tens of nanoseconds; these stay within a few double
 * ulps of the exact value, far below float32's rounding, so float32 results are the correctly rounded values in
 * all but rare ties. float64 kernels keep using {@link Math} for its ≤ 1 ulp guarantee.
 *
 * <p>exp and expm1 reduce {@code x = (64m + j)·ln2/64 + r} with {@code |r| ≤ ln2/128} and use
 * {@code e^x = 2^m · 2^(j/64) · e^r}: the 64 values {@code 2^(j/64)} are held as double-double pairs (computed
 * once at class initialisation in exact decimal arithmetic), and {@code e^r - 1} is a short Taylor polynomial.
 * log reduces {@code x = 2^e·z} with {@code z ∈ [√½, √2)}, then {@code z = c·(1 + r)} with one of 94 table
 * points {@code c} and {@code |r| < 1/170}, and uses {@code log x = e·ln2 + log c + log1p(r)}.
 */
public final class FastMath {
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;
    private static final int TABLE_BITS = 6;
    private static final int TABLE_SIZE = 1 << TABLE_BITS;
    /** 64/ln2. */
    private static final double N_OVER_LN2 = TABLE_SIZE / Math.log(2.0);
    /** ln2/64 split so that {@code k·LN2_N_HI} is exact for |k| &lt; 2^21 (LN2_HI has 32 significant bits). */
    private static final double LN2_N_HI = LN2_HI / TABLE_SIZE;
    private static final double LN2_N_LO = LN2_LO / TABLE_SIZE;
    private static final double ROUNDER = 0x1.8p52;
    /** 2^(j/64), rounded to double, at index 2j; the rounding error {@code 2^(j/64) - hi} at index 2j+1. */
    private static final double[] EXP2_TABLE = exp2Table();
    private static final double EXP_OVERFLOW = 709.782712893384;
    private static final double EXP_UNDERFLOW = -745.1332191019412;
    /** Below this x, e^x - 1 rounds to -1 in double (e^x &lt; 2^-54). */
    private static final double EXPM1_MINUS_ONE = -38.0;
    /** Beyond this |x|, tanh(x) rounds to ±1 in double. */
    private static final double TANH_SATURATION = 19.1;
    /** Beyond this |x|, tanh(x) rounds to ±1 in float (1 - tanh &lt; 2^-25). */
    private static final float TANH_SATURATION_FLOAT = 9.1f;
    /** Above this float argument e^x is +inf in float (and expm1 needs no core evaluation). */
    private static final float EXP_FLOAT_HIGH = 89f;
    /** |x| below which the exp core is evaluated for sigmoid (e^±105 is a normal double). */
    private static final float SIGMOID_FLOAT_RANGE = 105f;

    /** Bits of √½ rounded: subtracting them splits a double into 2^e·z with z in [√½, √2). */
    private static final long LOG_SPLIT = 0x3FE6A09E667F3BCDL;
    private static final int LOG_TABLE_BITS = 7;
    /** Table points are {@code LOG_BASE + (i + 0.5)/128}; point 40 is exactly 1, so logs near 1 lose nothing. */
    private static final double LOG_BASE = 0.6875 - 1.0 / 256;
    private static final int LOG_TABLE_SIZE = 94;
    /** Per point c: c, 1/c, log(c) rounded, and the rounding error of log(c), at indices 4i .. 4i+3. */
    private static final double[] LOG_TABLE = logTable();

    private FastMath() {
    }

    private static double[] exp2Table() {
        MathContext mc = new MathContext(60);
        BigDecimal step = BigDecimal.valueOf(2);
        for (int i = 0; i < TABLE_BITS; i++) {
            step = step.sqrt(mc);
        }
        double[] t = new double[2 * TABLE_SIZE];
        BigDecimal v = BigDecimal.ONE;
        for (int j = 0; j < TABLE_SIZE; j++) {
            double hi = v.doubleValue();
            t[2 * j] = hi;
            t[2 * j + 1] = v.subtract(new BigDecimal(hi)).doubleValue();
            v = v.multiply(step, mc);
        }
        return t;
    }

    private static double[] logTable() {
        MathContext mc = new MathContext(60);
        double[] t = new double[4 * LOG_TABLE_SIZE];
        for (int i = 0; i < LOG_TABLE_SIZE; i++) {
            double c = LOG_BASE + (i + 0.5) / (1 << LOG_TABLE_BITS);
            double hi = Math.log(c);
            // One Newton step in exact arithmetic: log c = hi + log(c / e^hi) ≈ hi + (c - E)/E with E = e^hi.
            BigDecimal e = expDecimal(new BigDecimal(hi), mc);
            double lo = new BigDecimal(c).subtract(e).divide(e, mc).doubleValue();
            t[4 * i] = c;
            t[4 * i + 1] = 1.0 / c;
            t[4 * i + 2] = hi;
            t[4 * i + 3] = lo;
        }
        return t;
    }

    /** e^x in decimal arithmetic by its Taylor series, for |x| &lt; 1 (table set-up only). */
    private static BigDecimal expDecimal(BigDecimal x, MathContext mc) {
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        for (int n = 1; n < 60; n++) {
            term = term.multiply(x, mc).divide(BigDecimal.valueOf(n), mc);
            sum = sum.add(term, mc);
        }
        return sum;
    }

    /**
     * e^x with relative error below 2 ulps.
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
        // Adding 1.5·2^52 rounds x·64/ln2 to the nearest integer k, which then sits in the low bits.
        double t = x * N_OVER_LN2 + ROUNDER;
        int k = (int) Double.doubleToRawLongBits(t);
        double kd = t - ROUNDER;
        double r = (x - kd * LN2_N_HI) - kd * LN2_N_LO;
        int j = 2 * (k & (TABLE_SIZE - 1));
        double hi = EXP2_TABLE[j];
        double p = hi + (EXP2_TABLE[j + 1] + hi * expm1Poly5(r));
        int m = k >> TABLE_BITS;
        if (m > 1023) {
            // 2^m itself would overflow although e^x does not: scale by 2^(m-1), then by 2.
            return p * Double.longBitsToDouble((long) (m - 1 + 1023) << 52) * 2.0;
        }
        if (m >= -1021) {
            return p * Double.longBitsToDouble((long) (m + 1023) << 52);
        }
        // Subnormal result: scale in two steps so no intermediate underflows early.
        return p * Double.longBitsToDouble((long) (m + 1023 + 64) << 52) * 0x1.0p-64;
    }

    /** e^r - 1 for |r| ≤ ln2/128 to degree 5: truncation below 4e-17, well under an ulp of e^r. */
    private static double expm1Poly5(double r) {
        double r2 = r * r;
        return r + r2 * ((0.5 + r * (1.0 / 6)) + r2 * (1.0 / 24 + r * (1.0 / 120)));
    }

    /** e^r - 1 for |r| ≤ ln2/128 to degree 6: relative truncation below 1e-17, for expm1 near 0. */
    private static double expm1Poly6(double r) {
        double r2 = r * r;
        return r + r2 * ((0.5 + r * (1.0 / 6)) + r2 * ((1.0 / 24 + r * (1.0 / 120)) + r2 * (1.0 / 720)));
    }

    /**
     * e^x - 1, accurate near 0: {@code (2^m·hi - 1) + 2^m·(lo + hi·(e^r - 1))}, whose first difference is exact
     * where it cancels (m ∈ {-1, 0}) and which is e^r - 1 itself for |x| ≤ ln2/128.
     *
     * @param x the argument
     * @return e^x - 1
     */
    public static double expm1(double x) {
        if (!(x < 700.0)) {
            return x != x ? x : exp(x);
        }
        if (x < EXPM1_MINUS_ONE) {
            return -1.0;
        }
        // ±0 returns itself: the core's sum would turn -0 into +0.
        return x == 0 ? x : expm1Core(x);
    }

    /** expm1 for -38 ≤ x &lt; 700, where 2^m is a normal double. */
    private static double expm1Core(double x) {
        double t = x * N_OVER_LN2 + ROUNDER;
        int k = (int) Double.doubleToRawLongBits(t);
        double kd = t - ROUNDER;
        double r = (x - kd * LN2_N_HI) - kd * LN2_N_LO;
        int j = 2 * (k & (TABLE_SIZE - 1));
        double hi = EXP2_TABLE[j];
        double s = Double.longBitsToDouble((long) ((k >> TABLE_BITS) + 1023) << 52);
        return (s * hi - 1.0) + s * (EXP2_TABLE[j + 1] + hi * expm1Poly6(r));
    }

    /** e^x for arguments whose result and 2^m are normal doubles (|x| ≤ 708): no range checks. */
    private static double expCore(double x) {
        double t = x * N_OVER_LN2 + ROUNDER;
        int k = (int) Double.doubleToRawLongBits(t);
        double kd = t - ROUNDER;
        double r = (x - kd * LN2_N_HI) - kd * LN2_N_LO;
        int j = 2 * (k & (TABLE_SIZE - 1));
        double hi = EXP2_TABLE[j];
        double s = Double.longBitsToDouble((long) ((k >> TABLE_BITS) + 1023) << 52);
        return s * (hi + (EXP2_TABLE[j + 1] + hi * expm1Poly5(r)));
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
        double t = expm1Core(2 * a);
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

    /** log x for positive, finite, normal x: relative error of a few double ulps. */
    private static double logCore(double x) {
        long bits = Double.doubleToRawLongBits(x);
        long e = (bits - LOG_SPLIT) >> 52;
        double z = Double.longBitsToDouble(bits - (e << 52));
        int i = 4 * (int) ((z - LOG_BASE) * (1 << LOG_TABLE_BITS));
        // z and c are within a factor of 2, so z - c is exact.
        double r = (z - LOG_TABLE[i]) * LOG_TABLE[i + 1];
        double r2 = r * r;
        double poly = r2 * ((-0.5 + r * (1.0 / 3)) + r2 * ((-0.25 + r * 0.2) + r2 * (-1.0 / 6 + r * (1.0 / 7))));
        double ed = e;
        return (ed * LN2_HI + LOG_TABLE[i + 2]) + (r + (poly + (ed * LN2_LO + LOG_TABLE[i + 3])));
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
            float v = x[xo + i];
            out[oo + i] = v > EXPM1_MINUS_ONE && v < EXP_FLOAT_HIGH && v != 0f ? (float) expm1Core(v)
                    : (float) expm1(v);
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
            float v = x[xo + i];
            float a = Math.abs(v);
            if (a < TANH_SATURATION_FLOAT) {
                double t = expm1Core(2.0 * a);
                out[oo + i] = Math.copySign((float) (t / (t + 2.0)), v);
            } else {
                out[oo + i] = v != v ? v : Math.copySign(1f, v);
            }
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
            float v = x[xo + i];
            if (Math.abs(v) < SIGMOID_FLOAT_RANGE) {
                // No cancellation on either side: e^-x is accurate to an ulp, so is 1/(1 + e^-x).
                out[oo + i] = (float) (1.0 / (1.0 + expCore(-v)));
            } else {
                out[oo + i] = v != v ? v : (v > 0 ? 1f : 0f);
            }
        }
    }

    /**
     * {@code out[oo + i] = (float) log(x[xo + i])} for {@code i < n}: the exact logarithm rounded to float in all
     * but rare ties; NaN below 0, -inf at ±0, +inf at +inf.
     *
     * @param x  input storage
     * @param xo input start
     * @param out output storage
     * @param oo output start
     * @param n  number of elements
     */
    public static void log(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            float v = x[xo + i];
            // Every positive float, subnormals included, is a normal double.
            out[oo + i] = v > 0f && v < Float.POSITIVE_INFINITY ? (float) logCore(v) : (float) Math.log(v);
        }
    }
}
