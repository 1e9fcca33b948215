package dev.jinn.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WideningAdd} on SIMD registers: a register of floats is loaded and widened in two halves, each added to
 * a register of double accumulators. Lane for lane this is the scalar loop's widening and addition, so the bits
 * agree.
 *
 * <p>The floats are loaded at the preferred width, the one every other float kernel uses, and not at half of it:
 * the JIT types each vector operation of the JDK from a profile shared by all callers, and a second float vector
 * size anywhere in the process made those profiles ambiguous, so that other kernels' vectors fell back to
 * (twenty times slower) boxed objects.
 */
final class VectorWideningAdd implements WideningAdd.Kernel {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
    /** Doubles in a register of the same width: half as many lanes. */
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;

    /** Instantiated by name from {@link WideningAdd}. */
    VectorWideningAdd() {
    }

    @Override
    public void addInto(float[] v, int vo, double[] acc, int ao, int n) {
        int step = FLOATS.length();
        int half = DOUBLES.length();
        int bound = FLOATS.loopBound(n);
        int i = 0;
        for (; i < bound; i += step) {
            FloatVector f = FloatVector.fromArray(FLOATS, v, vo + i);
            DoubleVector low = (DoubleVector) f.convert(VectorOperators.F2D, 0);
            DoubleVector high = (DoubleVector) f.convert(VectorOperators.F2D, 1);
            DoubleVector.fromArray(DOUBLES, acc, ao + i).add(low).intoArray(acc, ao + i);
            DoubleVector.fromArray(DOUBLES, acc, ao + i + half).add(high).intoArray(acc, ao + i + half);
        }
        WideningAdd.addIntoScalar(v, vo + i, acc, ao + i, n - i);
    }
}
