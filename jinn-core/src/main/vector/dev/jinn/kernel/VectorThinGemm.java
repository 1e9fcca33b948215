package dev.jinn.kernel;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link ThinGemm}'s two loops on SIMD registers. The loop bodies are written out in place rather than in
 * helpers: each call level counts towards the JIT's inlining depth, and a vector operation left out of line
 * allocates its result.
 */
final class VectorThinGemm implements ThinGemm.Kernel {
    private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;

    /**
     * Zeros that a written (not accumulated) row starts from, grown on demand and never written. Starting every
     * row with a load, from C or from here, keeps the accumulators free of a merge between two kinds of vector
     * (a conditional load-or-zero), which JDK 17's compiler cannot keep in registers: once both kinds had been
     * seen it fell back to boxed vectors, 20 times slower.
     */
    private static volatile float[] zeros = new float[1024];

    /** Instantiated by name from {@link ThinGemm}. */
    VectorThinGemm() {
    }

    @Override
    public void dots(int m, int n, int k, float[] a, int ao, int ar, float[] b, int bo, int bc, float[] c, int co) {
        int step = FLOATS.length();
        int bound4 = k - k % (4 * step);
        int bound = FLOATS.loopBound(k);
        for (int i = 0; i < m; i++) {
            int ai = ao + i * ar;
            for (int j = 0; j < n; j++) {
                int bj = bo + j * bc;
                FloatVector s0 = FloatVector.zero(FLOATS);
                FloatVector s1 = FloatVector.zero(FLOATS);
                FloatVector s2 = FloatVector.zero(FLOATS);
                FloatVector s3 = FloatVector.zero(FLOATS);
                int p = 0;
                for (; p < bound4; p += 4 * step) {
                    s0 = FloatVector.fromArray(FLOATS, a, ai + p).fma(FloatVector.fromArray(FLOATS, b, bj + p), s0);
                    s1 = FloatVector.fromArray(FLOATS, a, ai + p + step)
                            .fma(FloatVector.fromArray(FLOATS, b, bj + p + step), s1);
                    s2 = FloatVector.fromArray(FLOATS, a, ai + p + 2 * step)
                            .fma(FloatVector.fromArray(FLOATS, b, bj + p + 2 * step), s2);
                    s3 = FloatVector.fromArray(FLOATS, a, ai + p + 3 * step)
                            .fma(FloatVector.fromArray(FLOATS, b, bj + p + 3 * step), s3);
                }
                for (; p < bound; p += step) {
                    s0 = FloatVector.fromArray(FLOATS, a, ai + p).fma(FloatVector.fromArray(FLOATS, b, bj + p), s0);
                }
                float s = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
                for (; p < k; p++) {
                    s = Math.fma(a[ai + p], b[bj + p], s);
                }
                c[co + i * n + j] = s;
            }
        }
    }

    @Override
    public void rowUpdates(int m, int n, int k, float[] a, int ao, int ar, int ac, float[] b, int bo, int br,
            float[] c, int co, boolean accumulate) {
        int step = FLOATS.length();
        int bound4 = n - n % (4 * step);
        int bound = FLOATS.loopBound(n);
        float[] start = accumulate ? c : zeros(n);
        for (int i = 0; i < m; i++) {
            int ai = ao + i * ar;
            int ci = co + i * n;
            int si = accumulate ? ci : 0;
            int j = 0;
            for (; j < bound4; j += 4 * step) {
                FloatVector s0 = FloatVector.fromArray(FLOATS, start, si + j);
                FloatVector s1 = FloatVector.fromArray(FLOATS, start, si + j + step);
                FloatVector s2 = FloatVector.fromArray(FLOATS, start, si + j + 2 * step);
                FloatVector s3 = FloatVector.fromArray(FLOATS, start, si + j + 3 * step);
                for (int p = 0; p < k; p++) {
                    FloatVector x = FloatVector.broadcast(FLOATS, a[ai + p * ac]);
                    int bp = bo + p * br + j;
                    s0 = x.fma(FloatVector.fromArray(FLOATS, b, bp), s0);
                    s1 = x.fma(FloatVector.fromArray(FLOATS, b, bp + step), s1);
                    s2 = x.fma(FloatVector.fromArray(FLOATS, b, bp + 2 * step), s2);
                    s3 = x.fma(FloatVector.fromArray(FLOATS, b, bp + 3 * step), s3);
                }
                s0.intoArray(c, ci + j);
                s1.intoArray(c, ci + j + step);
                s2.intoArray(c, ci + j + 2 * step);
                s3.intoArray(c, ci + j + 3 * step);
            }
            for (; j < bound; j += step) {
                FloatVector s0 = FloatVector.fromArray(FLOATS, start, si + j);
                for (int p = 0; p < k; p++) {
                    s0 = FloatVector.broadcast(FLOATS, a[ai + p * ac]).fma(FloatVector.fromArray(FLOATS, b, bo + p * br + j),
                            s0);
                }
                s0.intoArray(c, ci + j);
            }
            for (; j < n; j++) {
                float s = start[si + j];
                for (int p = 0; p < k; p++) {
                    s = Math.fma(a[ai + p * ac], b[bo + p * br + j], s);
                }
                c[ci + j] = s;
            }
        }
    }

    @Override
    public void outer(int m, int n, float[] a, int ao, int as, float[] b, int bo, float[] c, int co) {
        // One load of b, one multiply and one store per vector of C (b's row stays in L1 across the rows); the
        // scalar loop it replaces copied each row of b into C and scaled it there, two passes over C.
        int step = FLOATS.length();
        int bound4 = n - n % (4 * step);
        int bound = FLOATS.loopBound(n);
        for (int i = 0; i < m; i++) {
            float ai = a[ao + i * as];
            FloatVector x = FloatVector.broadcast(FLOATS, ai);
            int ci = co + i * n;
            int j = 0;
            for (; j < bound4; j += 4 * step) {
                x.mul(FloatVector.fromArray(FLOATS, b, bo + j)).intoArray(c, ci + j);
                x.mul(FloatVector.fromArray(FLOATS, b, bo + j + step)).intoArray(c, ci + j + step);
                x.mul(FloatVector.fromArray(FLOATS, b, bo + j + 2 * step)).intoArray(c, ci + j + 2 * step);
                x.mul(FloatVector.fromArray(FLOATS, b, bo + j + 3 * step)).intoArray(c, ci + j + 3 * step);
            }
            for (; j < bound; j += step) {
                x.mul(FloatVector.fromArray(FLOATS, b, bo + j)).intoArray(c, ci + j);
            }
            for (; j < n; j++) {
                c[ci + j] = ai * b[bo + j];
            }
        }
    }

    /** At least {@code n} zeros. */
    private static float[] zeros(int n) {
        float[] z = zeros;
        if (z.length < n) {
            z = new float[Math.max(n, 2 * z.length)];
            zeros = z;
        }
        return z;
    }
}
