package dev.jinn.kernel;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link WideningAdd} on SIMD registers: a register's worth of doubles is loaded from the accumulators, the same
 * number of floats is loaded at half the register width and widened, and the sum is stored back. Lane for lane
 * this is the scalar loop's widening and addition, so the bits agree.
 */
final class VectorWideningAdd implements WideningAdd.Kernel {
    private static final VectorSpecies<Double> DOUBLES = DoubleVector.SPECIES_PREFERRED;
    /** Floats at half the width of the doubles' register, as many lanes. */
    private static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class,
            jdk.incubator.vector.VectorShape.forBitSize(DOUBLES.vectorBitSize() / 2));

    /** Instantiated by name from {@link WideningAdd}. */
    VectorWideningAdd() {
    }

    @Override
    public void addInto(float[] v, int vo, double[] acc, int ao, int n) {
        int step = DOUBLES.length();
        int bound = DOUBLES.loopBound(n);
        int i = 0;
        for (; i < bound; i += step) {
            DoubleVector wide = (DoubleVector) FloatVector.fromArray(FLOATS, v, vo + i)
                    .convertShape(VectorOperators.F2D, DOUBLES, 0);
            DoubleVector.fromArray(DOUBLES, acc, ao + i).add(wide).intoArray(acc, ao + i);
        }
        WideningAdd.addIntoScalar(v, vo + i, acc, ao + i, n - i);
    }
}
