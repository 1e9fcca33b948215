package dev.jinn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link FloatExp}'s algorithm on whole SIMD registers through {@code jdk.incubator.vector}. Every lane performs
 * the scalar path's float operations in the same order, so the bits agree with {@link FloatExp#exp(float)}.
 *
 * <p>This class lives in its own source root: it is compiled with {@code --add-modules jdk.incubator.vector}
 * (whose mandatory "incubating" warning the main sources' {@code -Werror} would reject) and is instantiated
 * by name, so the rest of jinn loads without the module.
 */
final class VectorFloatExp implements FloatArrayKernel {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
    // Broadcast once: JDK 17 does not hoist a broadcast of a scalar operand out of the loop.
    private static final FloatVector LOW = FloatVector.broadcast(FLOATS, FloatExp.LOW);
    private static final FloatVector HIGH = FloatVector.broadcast(FLOATS, FloatExp.HIGH);
    private static final FloatVector LOG2E = FloatVector.broadcast(FLOATS, FloatExp.LOG2E);
    private static final FloatVector SHIFTER = FloatVector.broadcast(FLOATS, FloatExp.SHIFTER);
    private static final FloatVector LN2_HI = FloatVector.broadcast(FLOATS, FloatExp.LN2_HI);
    private static final FloatVector LN2_LO = FloatVector.broadcast(FLOATS, FloatExp.LN2_LO);
    private static final FloatVector ONE = FloatVector.broadcast(FLOATS, 1f);
    private static final FloatVector C2 = FloatVector.broadcast(FLOATS, FloatExp.C2);
    private static final FloatVector C3 = FloatVector.broadcast(FLOATS, FloatExp.C3);
    private static final FloatVector C4 = FloatVector.broadcast(FLOATS, FloatExp.C4);
    private static final FloatVector C5 = FloatVector.broadcast(FLOATS, FloatExp.C5);
    private static final FloatVector C6 = FloatVector.broadcast(FLOATS, FloatExp.C6);
    private static final FloatVector C7 = FloatVector.broadcast(FLOATS, FloatExp.C7);
    private static final IntVector SHIFTER_BITS = IntVector.broadcast(INTS, FloatExp.SHIFTER_BITS);
    private static final IntVector BIAS = IntVector.broadcast(INTS, FloatExp.FLOAT_BIAS);
    private static final IntVector MIN_DIRECT = IntVector.broadcast(INTS, FloatExp.MIN_DIRECT);
    private static final IntVector MAX_DIRECT = IntVector.broadcast(INTS, FloatExp.MAX_DIRECT);

    /** Instantiated by name from {@link FloatExp}. */
    VectorFloatExp() {
    }

    /**
     * {@code out[oo + i] = FloatExp.exp(x[xo + i])} for {@code i < n}: whole vectors, then the scalar path for
     * the remainder. The lanes are computed in the loop body itself, not in helpers: each call level counts
     * towards the JIT's inlining depth, and a vector operation left out of line allocates its result.
     */
    @Override
    public void apply(float[] x, int xo, float[] out, int oo, int n) {
        int step = FLOATS.length();
        int bound = FLOATS.loopBound(n);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector in = FloatVector.fromArray(FLOATS, x, xo + i);
            // The scalar algorithm lane by lane: unclamped, and where any lane's k leaves the direct range
            // (large |x|, infinities, NaN) the whole vector again through the clamped path, as there.
            FloatVector t = in.mul(LOG2E).add(SHIFTER);
            IntVector ki = t.reinterpretAsInts().sub(SHIFTER_BITS);
            VectorMask<Integer> far = ki.compare(VectorOperators.LT, MIN_DIRECT)
                    .or(ki.compare(VectorOperators.GT, MAX_DIRECT));
            if (far.anyTrue()) {
                // Reloaded from the array, so that no vector crosses the call (it would be allocated).
                clamped(x, xo + i, out, oo + i);
                continue;
            }
            FloatVector k = t.sub(SHIFTER);
            FloatVector s = in.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
            FloatVector poly = s.mul(C7).add(C6).mul(s).add(C5).mul(s).add(C4).mul(s).add(C3).mul(s).add(C2);
            FloatVector u = s.add(s.mul(s).mul(poly)).add(ONE);
            u.reinterpretAsInts().add(ki.lanewise(VectorOperators.LSHL, FloatExp.MANTISSA_BITS))
                    .reinterpretAsFloats().intoArray(out, oo + i);
        }
        FloatExp.expScalar(x, xo + i, out, oo + i, n - i);
    }

    /** One vector from {@code x[xo]} into {@code out[oo]} through {@link FloatExp#clampedExp}'s steps. */
    private static void clamped(float[] x, int xo, float[] out, int oo) {
        FloatVector in = FloatVector.fromArray(FLOATS, x, xo);
        // NaN compares false both ways and passes through, as in the scalar clamp.
        FloatVector v = in.blend(LOW, in.compare(VectorOperators.LT, LOW))
                .blend(HIGH, in.compare(VectorOperators.GT, HIGH));
        FloatVector t = v.mul(LOG2E).add(SHIFTER);
        FloatVector k = t.sub(SHIFTER);
        FloatVector s = v.sub(k.mul(LN2_HI)).sub(k.mul(LN2_LO));
        FloatVector poly = s.mul(C7).add(C6).mul(s).add(C5).mul(s).add(C4).mul(s).add(C3).mul(s).add(C2);
        FloatVector u = s.add(s.mul(s).mul(poly)).add(ONE);
        IntVector ki = t.reinterpretAsInts().sub(SHIFTER_BITS);
        IntVector a = ki.lanewise(VectorOperators.ASHR, 1);
        FloatVector scaleA = a.add(BIAS).lanewise(VectorOperators.LSHL, FloatExp.MANTISSA_BITS).reinterpretAsFloats();
        FloatVector scaleB = ki.sub(a).add(BIAS).lanewise(VectorOperators.LSHL, FloatExp.MANTISSA_BITS)
                .reinterpretAsFloats();
        u.mul(scaleA).mul(scaleB).intoArray(out, oo);
    }
}
