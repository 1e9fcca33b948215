package dev.jinn.kernel;

/**
 * The float32 exponential of jinn's {@code exp} kernel, written only with float additions, multiplications and
 * exponent-bit arithmetic, so that the same steps run one element at a time here and eight (or sixteen) at a
 * time through the JDK's vector API; both produce the same bits for every input.
 *
 * <p>The algorithm: clamp {@code x} to {@code [-104, 89]} (outside it e^x is 0 or +inf in float, and the clamped
 * value gives exactly that), round {@code k = x·log2(e)} to an integer, reduce {@code s = x - k·ln2} with ln2 split
 * in two so that {@code k·ln2_hi} is exact, take {@code e^s ≈ 1 + (s + s²·P(s))} with the Taylor polynomial
 * {@code P} up to {@code s^5/7!} (truncation below 2^-27 for {@code |s| ≤ ln2/2}), and scale by {@code 2^k}:
 * where the result is a normal float ({@code -125 ≤ k ≤ 127}) by adding k to the exponent bits, an exact step
 * for which the clamp is not needed either (such an x lies inside its bounds), else in two power-of-two
 * multiplications so that subnormal results are rounded once. Both scalings give the same bits where both apply,
 * and every rounded step is a separate multiply or add (no fused multiply-add), so the bits are those of jinn's
 * earlier releases and trained models reproduce. Over all 2^32 float inputs the result is within 1 ulp of the
 * correctly rounded e^x (it is the correctly rounded value for 99.58% of them), the same bound as libtorch's
 * vectorised float exp; NaN gives NaN, +inf gives +inf, -inf gives 0.
 *
 * <p>The vector path is used when the JVM runs with {@code --add-modules jdk.incubator.vector} (the test and
 * kernel-benchmark JVMs do; the JDK then prints a one-line notice at start-up, which is why the {@code jinn}
 * launcher, whose tensors are small, does not) unless {@code -Djinn.vector=false}; otherwise the scalar loop
 * runs. Either way the results are identical, only the speed differs (about 1 ns instead of 5 ns per element).
 */
public final class FloatExp {
    /** Below this e^x rounds to 0 in float; clamping here keeps the exponent arithmetic in range. */
    static final float LOW = -104f;
    /** Above this e^x rounds to +inf in float. */
    static final float HIGH = 89f;
    static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2^23: adding it rounds a float of magnitude below 2^22 to an integer held in the low mantissa bits. */
    static final float SHIFTER = 0x1.8p23f;
    /** The bit pattern of SHIFTER, subtracted from the bits of {@code x·log2e + SHIFTER} to leave k. */
    static final int SHIFTER_BITS = 0x4B400000;
    /** ln2 with 15 significant bits, so k·LN2_HI is exact for |k| &lt; 2^9. */
    static final float LN2_HI = 0.693145751953125f;
    static final float LN2_LO = 1.42860676533018704e-06f;
    /** The range of k for which {@code u·2^k} is a normal float for every u the reduction gives (0.7 to 1.42). */
    static final int MIN_DIRECT = -125;
    static final int MAX_DIRECT = 127;
    static final float C2 = 1f / 2;
    static final float C3 = 1f / 6;
    static final float C4 = 1f / 24;
    static final float C5 = 1f / 120;
    static final float C6 = 1f / 720;
    static final float C7 = 1f / 5040;
    static final int FLOAT_BIAS = 127;
    static final int MANTISSA_BITS = 23;

    /** {@code VectorFloatExp}, or null where the vector API is not usable. */
    private static final FloatArrayKernel VECTOR = vectorKernel();

    private FloatExp() {
    }

    /**
     * Whether this JVM runs the vector path.
     *
     * @return true when {@code jdk.incubator.vector} is loaded, enabled and passed its self-check
     */
    public static boolean vectorised() {
        return VECTOR != null;
    }

    /**
     * e^x in float, within 1 ulp of the correctly rounded value.
     *
     * @param x the argument
     * @return e^x
     */
    public static float exp(float x) {
        // Unclamped first: where k lands in the direct range, x lies inside [LOW, HIGH] and the clamp would not
        // have changed it. Everything else (large |x|, infinities, NaN, whose bits give a k far outside) takes
        // the clamped path.
        float t = x * LOG2E + SHIFTER;
        int ki = Float.floatToRawIntBits(t) - SHIFTER_BITS;
        if (ki < MIN_DIRECT || ki > MAX_DIRECT) {
            return clampedExp(x);
        }
        float k = t - SHIFTER;
        float s = x - k * LN2_HI;
        s = s - k * LN2_LO;
        float p = s * s * (C2 + s * (C3 + s * (C4 + s * (C5 + s * (C6 + s * C7)))));
        float u = 1f + (s + p);
        // Exact: u is a positive normal float and the sum stays a normal exponent.
        return Float.intBitsToFloat(Float.floatToRawIntBits(u) + (ki << MANTISSA_BITS));
    }

    /**
     * The whole algorithm with the clamp and the two-step scaling, for any input; where k is in the direct range
     * it gives the same bits as {@link #exp(float)}'s shortcut.
     *
     * @param x the argument
     * @return e^x
     */
    static float clampedExp(float x) {
        float v = x < LOW ? LOW : (x > HIGH ? HIGH : x);
        float t = v * LOG2E + SHIFTER;
        float k = t - SHIFTER;
        float s = v - k * LN2_HI;
        s = s - k * LN2_LO;
        float p = s * s * (C2 + s * (C3 + s * (C4 + s * (C5 + s * (C6 + s * C7)))));
        float u = 1f + (s + p);
        int ki = Float.floatToRawIntBits(t) - SHIFTER_BITS;
        // A NaN stays NaN through the multiplications.
        int a = ki >> 1;
        return u * powerOfTwo(a) * powerOfTwo(ki - a);
    }

    /** 2^e for an exponent e of a normal float. */
    private static float powerOfTwo(int e) {
        return Float.intBitsToFloat((e + FLOAT_BIAS) << MANTISSA_BITS);
    }

    /**
     * {@code out[oo + i] = exp(x[xo + i])} for {@code i < n}, through the vector API where available.
     *
     * @param x   input storage
     * @param xo  input start
     * @param out output storage (may be {@code x} itself with {@code oo == xo})
     * @param oo  output start
     * @param n   number of elements
     */
    public static void exp(float[] x, int xo, float[] out, int oo, int n) {
        if (VECTOR == null) {
            expScalar(x, xo, out, oo, n);
        } else {
            // A constant receiver: the JIT inlines this call (a method handle would add frames, and inlining
            // deeper than MaxInlineLevel leaves the vector operations as allocated objects).
            VECTOR.apply(x, xo, out, oo, n);
        }
    }

    /**
     * The scalar loop of {@link #exp(float[], int, float[], int, int)}; the vector path falls back to it for the
     * elements after its last full vector.
     *
     * @param x   input storage
     * @param xo  input start
     * @param out output storage
     * @param oo  output start
     * @param n   number of elements
     */
    public static void expScalar(float[] x, int xo, float[] out, int oo, int n) {
        for (int i = 0; i < n; i++) {
            out[oo + i] = exp(x[xo + i]);
        }
    }

    /**
     * The vector kernel, kept only if it reproduces the scalar bits on a set of awkward inputs.
     */
    private static FloatArrayKernel vectorKernel() {
        FloatArrayKernel kernel = VectorKernels.load("VectorFloatExp", FloatArrayKernel.class);
        return kernel != null && agreesWithScalar(kernel) ? kernel : null;
    }

    private static boolean agreesWithScalar(FloatArrayKernel kernel) {
        float[] x = {0f, -0f, 1f, -1f, 0.5f, 88.72283f, 88.72284f, -87.33655f, -103.28f, -103.98f, -104.5f, 89.5f,
            Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MIN_VALUE, 5.9604645e-8f,
            Float.MAX_VALUE, -Float.MAX_VALUE, 10.3972f, -20.1f, 0.34657359f, -0.34657359f, 3e-5f,
            1e-30f, 42f, -42f, 7.5f, -7.5f, 60f, -60f, 1.5f, 2.5f};
        float[] vector = new float[x.length];
        float[] scalar = new float[x.length];
        kernel.apply(x, 0, vector, 0, x.length);
        expScalar(x, 0, scalar, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToIntBits(vector[i]) != Float.floatToIntBits(scalar[i])) {
                return false;
            }
        }
        return true;
    }
}
